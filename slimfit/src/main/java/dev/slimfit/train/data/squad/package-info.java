/**
 * SQuAD v1.1 and v2.0: {@link dev.slimfit.train.data.squad.SquadDataset#load} reads a file,
 * {@link dev.slimfit.train.data.squad.SquadFeatures} cuts examples into windows with start/end labels, and
 * {@link dev.slimfit.train.data.squad.SquadScoring} computes the official exact match and F1.
 */
package dev.slimfit.train.data.squad;
