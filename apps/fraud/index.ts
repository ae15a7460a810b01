/**
 * Fraud detection's public API (`gasworks/fraud`): score the accounts of a
 * rating network (REV2, signed belief propagation from seeds, a baseline)
 * and evaluate the scores against labels.
 */
export { scoreAccounts, evaluateScores, splitLabels, FRAUD_METHODS, REV2_SCORES, type FraudMethod, type FraudScoreOptions, type FraudScores, type FraudEvaluation, type Rev2Score } from './detect.js';
export { default as rev2 } from './rev2.js';
export { rocAuc, precisionAtK } from '../metrics/classification.js';
