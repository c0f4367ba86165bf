package dev.slimfit.train.data.squad;

import java.util.List;

/**
 * Turns the start/end logits of an example's features into its answer text, as Hugging Face's run_qa
 * post-processing does: over every feature, the best span (start ≤ end, both inside the window, at most
 * {@code maxAnswerTokens} long) by start logit + end logit among the {@code candidates} highest starts and ends;
 * for SQuAD 2.0 the answer is empty when the best "no answer" score (the [CLS] logits, smallest over the features)
 * beats the best span.
 */
public final class SquadAnswerSelection {

    /** run_qa's defaults: the 20 best starts and ends are paired, answers of at most 30 tokens. */
    public static final int DEFAULT_CANDIDATES = 20;
    public static final int DEFAULT_MAX_ANSWER_TOKENS = 30;

    private final int candidates;
    private final int maxAnswerTokens;

    public SquadAnswerSelection(int candidates, int maxAnswerTokens) {
        if (candidates < 1 || maxAnswerTokens < 1) {
            throw new IllegalArgumentException("candidates and max answer tokens must be >= 1, got " + candidates
                    + " and " + maxAnswerTokens);
        }
        this.candidates = candidates;
        this.maxAnswerTokens = maxAnswerTokens;
    }

    public static SquadAnswerSelection defaults() {
        return new SquadAnswerSelection(DEFAULT_CANDIDATES, DEFAULT_MAX_ANSWER_TOKENS);
    }

    /**
     * The answer of {@code example} from its features and their logits ({@code startLogits[i]} and {@code endLogits[i]}
     * belong to {@code features.get(i)}, one value per position).
     */
    public String answer(SquadExample example, List<SquadFeature> features, List<float[]> startLogits,
                         List<float[]> endLogits, SquadVersion version) {
        double bestScore = Double.NEGATIVE_INFINITY;
        String best = "";
        double noAnswerScore = Double.POSITIVE_INFINITY;
        for (int f = 0; f < features.size(); f++) {
            SquadFeature feature = features.get(f);
            float[] start = startLogits.get(f);
            float[] end = endLogits.get(f);
            noAnswerScore = Math.min(noAnswerScore,
                    start[SquadFeature.NO_ANSWER_POSITION] + end[SquadFeature.NO_ANSWER_POSITION]);
            for (int s : topPositions(start, feature)) {
                for (int e : topPositions(end, feature)) {
                    if (e < s || e - s + 1 > maxAnswerTokens) {
                        continue;
                    }
                    double score = start[s] + end[e];
                    if (score > bestScore) {
                        bestScore = score;
                        best = feature.spanText(example.context(), s, e);
                    }
                }
            }
        }
        if (version == SquadVersion.V2_0 && noAnswerScore > bestScore) {
            return "";
        }
        return best;
    }

    /** The positions inside the feature's window with the highest logits, at most {@code candidates} of them. */
    private int[] topPositions(float[] logits, SquadFeature feature) {
        int from = feature.contextStart();
        int to = feature.contextEnd();
        int count = Math.min(candidates, Math.max(0, to - from));
        int[] top = new int[count];
        int filled = 0;
        for (int p = from; p < to; p++) {
            // insertion into a short sorted list: candidates is small (20), windows a few hundred tokens
            int at = filled;
            while (at > 0 && logits[top[at - 1]] < logits[p]) {
                at--;
            }
            if (at < count) {
                int last = Math.min(filled, count - 1);
                System.arraycopy(top, at, top, at + 1, last - at);
                top[at] = p;
                filled = Math.min(filled + 1, count);
            }
        }
        return top;
    }
}
