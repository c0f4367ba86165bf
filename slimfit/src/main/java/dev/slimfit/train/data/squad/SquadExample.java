package dev.slimfit.train.data.squad;

import java.util.List;

/**
 * One question about one context.
 *
 * @param id               the question's id, unique in its file (predictions are keyed by it)
 * @param title            the title of the article the context comes from
 * @param question         the question
 * @param context          the paragraph that holds (or, in 2.0, may not hold) the answer
 * @param answers          the gold answers; empty for an unanswerable question
 * @param impossible       2.0's {@code is_impossible}: the context does not answer the question
 * @param plausibleAnswers 2.0's plausible but wrong answers of an unanswerable question (empty otherwise)
 */
public record SquadExample(String id, String title, String question, String context, List<SquadAnswer> answers,
                           boolean impossible, List<SquadAnswer> plausibleAnswers) {

    public SquadExample {
        answers = List.copyOf(answers);
        plausibleAnswers = List.copyOf(plausibleAnswers);
    }
}
