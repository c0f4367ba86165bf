package dev.slimfit.train.data.squad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official SQuAD normalization, exact match and F1, checked on cases computed by hand. */
class SquadScoringTest {

    @Test
    void normalizationLowercasesDropsPunctuationArticlesAndExtraWhitespace() {
        assertEquals("quick brown fox", AnswerNormalizer.normalize("The  Quick, brown fox!"));
        assertEquals("apple day", AnswerNormalizer.normalize("an apple a day"));
        assertEquals("", AnswerNormalizer.normalize("A"));
        assertEquals("", AnswerNormalizer.normalize(" the  , an ... a "));
        // articles only as whole words: inside words, or glued to letters (accented too) and digits, they stay;
        // accents are kept, and '_' is punctuation
        assertEquals("theory anthem area théa the1 ab", AnswerNormalizer.normalize("Theory anthem area théa the1 a_b"));
        // punctuation is removed before articles are looked for, so "the-end" becomes one word
        assertEquals("theend", AnswerNormalizer.normalize("the-end"));
        // only ASCII punctuation goes; other symbols and accents stay; Unicode letters are lowercased
        assertEquals("père noël «yes» ½", AnswerNormalizer.normalize("Père  Noël «yes» ½"));
        // Python's whitespace includes the no-break spaces
        assertEquals("10 km", AnswerNormalizer.normalize("10\u00A0km"));
        assertEquals("ΟΔΟΣ".toLowerCase(java.util.Locale.ROOT), AnswerNormalizer.normalize("ΟΔΟΣ"));
    }

    @Test
    void exactMatchAndF1ByHand() {
        assertTrue(SquadScoring.exactMatch("The Eiffel Tower.", "eiffel tower"));
        assertTrue(!SquadScoring.exactMatch("Eiffel", "eiffel tower"));
        // articles vanish on both sides: both become [cat, sat, on, mat]
        assertEquals(1.0, SquadScoring.f1("the cat sat on mat", "a cat sat on the mat", SquadVersion.V1_1));
        // multiset overlap: cat once and dog once are shared, so precision = recall = 2/3
        assertEquals(2.0 / 3, SquadScoring.f1("cat cat dog", "cat dog dog", SquadVersion.V1_1), 1e-15);
        // precision 1/1, recall 1/3: F1 = 2 * (1/3) / (4/3) = 1/2
        assertEquals(0.5, SquadScoring.f1("Denver", "Denver Broncos team", SquadVersion.V1_1), 1e-15);
        assertEquals(0.0, SquadScoring.f1("Carolina", "Denver Broncos", SquadVersion.V1_1));
        // both empty: 1.1 finds no common word (0), 2.0 counts agreement on "no answer" (1)
        assertEquals(0.0, SquadScoring.f1("", "the", SquadVersion.V1_1));
        assertEquals(1.0, SquadScoring.f1("", "the", SquadVersion.V2_0));
        assertEquals(0.0, SquadScoring.f1("", "Denver", SquadVersion.V2_0));
        assertEquals(0.0, SquadScoring.f1("Denver", "", SquadVersion.V2_0));
    }

    @Test
    void version2ScoresNoAnswerPredictionsAgainstTheEmptyGoldAndSplitsTheSubsets() {
        SquadExample answerable = example("q1", List.of("Denver Broncos", "the Broncos", "..."), false);
        SquadExample impossible = example("q2", List.of(), true);
        SquadExample alsoImpossible = example("q3", List.of(), true);
        SquadExample unanswered = example("q4", List.of("1998"), false);
        SquadDataset dataset = new SquadDataset(Path.of("dev-v2.0.json"), SquadVersion.V2_0,
                List.of(answerable, impossible, alsoImpossible, unanswered));

        // q1 "Broncos": exact with "the Broncos"; q2 "" is right; q3 "Denver" is wrong; q4 has no prediction
        SquadScoring.Result result = SquadScoring.evaluate(dataset, Map.of("q1", "Broncos", "q2", "", "q3", "Denver"));
        assertEquals(4, result.total());
        assertEquals(1, result.missing());
        assertEquals(100.0 * 2 / 4, result.exactMatch(), 1e-12);
        assertEquals(100.0 * 2 / 4, result.f1(), 1e-12);
        assertEquals(new SquadScoring.Subset(50.0, 50.0, 2), result.hasAnswer());
        assertEquals(new SquadScoring.Subset(50.0, 50.0, 2), result.noAnswer());
        // "..." normalizes to nothing and is dropped from the 2.0 gold answers
        assertEquals(List.of("Denver Broncos", "the Broncos"), SquadScoring.goldAnswers(answerable, SquadVersion.V2_0));
        assertEquals(List.of(""), SquadScoring.goldAnswers(impossible, SquadVersion.V2_0));
    }

    @Test
    void version1TakesTheBestGoldAnswerAndCountsMissingPredictionsAsZero() {
        SquadExample first = example("a", List.of("Saint Bernadette Soubirous", "Bernadette"), false);
        SquadExample second = example("b", List.of("a copper statue of Christ"), false);
        SquadExample third = example("c", List.of("1879"), false);
        // a: exact with "Bernadette"; b: "copper statue" vs [copper, statue, of, christ]: P 1, R 1/2, F1 2/3;
        // c: missing
        SquadScoring.Result result = SquadScoring.evaluate(List.of(first, second, third),
                Map.of("a", "bernadette", "b", "Copper statue"), SquadVersion.V1_1);
        assertEquals(100.0 / 3, result.exactMatch(), 1e-12);
        assertEquals(100.0 * (1 + 2.0 / 3) / 3, result.f1(), 1e-12);
        assertEquals(1, result.missing());
        assertEquals(3, result.hasAnswer().count());
        assertEquals(0, result.noAnswer().count());
        assertTrue(Double.isNaN(result.noAnswer().f1()));
    }

    private static SquadExample example(String id, List<String> answers, boolean impossible) {
        String context = String.join(" ", answers) + " and more context";
        java.util.List<SquadAnswer> spans = new java.util.ArrayList<>();
        int at = 0;
        for (String answer : answers) {
            spans.add(new SquadAnswer(answer, at));
            at += answer.length() + 1;
        }
        return new SquadExample(id, "title", "question?", context, spans, impossible, List.of());
    }
}
