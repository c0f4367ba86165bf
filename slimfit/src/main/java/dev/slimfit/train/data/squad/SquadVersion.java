package dev.slimfit.train.data.squad;

/**
 * The two SQuAD releases. They differ in data (2.0 adds unanswerable questions, with {@code is_impossible} and
 * {@code plausible_answers}) and in scoring: 2.0 scores an empty prediction against an unanswerable question as
 * correct, and gives F1 = 1 when both prediction and gold answer normalize to nothing, where 1.1 gives 0.
 */
public enum SquadVersion {
    V1_1,
    V2_0
}
