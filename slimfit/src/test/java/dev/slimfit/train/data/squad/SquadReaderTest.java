package dev.slimfit.train.data.squad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.train.data.DataFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQuAD v1.1 and v2.0 files in the official layout, and the errors of malformed ones. */
class SquadReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTEXT = "Architecturally, the school has a Catholic character. Atop the Main "
            + "Building's gold dome is a golden statue of the Virgin Mary.";

    @TempDir
    Path folder;

    @Test
    void version11() throws IOException {
        ObjectNode root = squad("1.1");
        ObjectNode paragraph = paragraph(article(root, "University_of_Notre_Dame"), CONTEXT);
        ArrayNode qas = (ArrayNode) paragraph.get("qas");
        ObjectNode qa = question(qas, "5733be284776f41900661182", "What is atop the Main Building?");
        answer(qa, "answers", "a golden statue", CONTEXT.indexOf("a golden statue"));
        answer(qa, "answers", "golden statue of the Virgin Mary", CONTEXT.indexOf("golden statue"));
        ObjectNode second = question(qas, "5733be284776f41900661181", "  What character does the school have?");
        answer(second, "answers", "Catholic", CONTEXT.indexOf("Catholic"));
        paragraph(article(root, "Second"), "Short context.");

        SquadDataset data = SquadDataset.load(write(root));
        assertEquals(SquadVersion.V1_1, data.version());
        assertEquals(2, data.size());
        SquadExample first = data.examples().getFirst();
        assertEquals("5733be284776f41900661182", first.id());
        assertEquals("University_of_Notre_Dame", first.title());
        assertEquals(CONTEXT, first.context());
        assertEquals(List.of(new SquadAnswer("a golden statue", CONTEXT.indexOf("a golden statue")),
                new SquadAnswer("golden statue of the Virgin Mary", CONTEXT.indexOf("golden statue"))), first.answers());
        assertFalse(first.impossible());
        assertEquals("  What character does the school have?", data.examples().get(1).question());
    }

    @Test
    void version20WithUnanswerableQuestionsAndPlausibleAnswers() throws IOException {
        ObjectNode root = squad("v2.0");
        ArrayNode qas = (ArrayNode) paragraph(article(root, "Normans"), CONTEXT).get("qas");
        ObjectNode impossible = question(qas, "5ad39d53604f3c001a3fe8d1", "What is atop the Side Building?");
        impossible.put("is_impossible", true);
        impossible.putArray("answers");
        answer(impossible, "plausible_answers", "golden statue", CONTEXT.indexOf("golden statue"));
        ObjectNode possible = question(qas, "56ddde6b9a695914005b9628", "What is on the dome?");
        possible.put("is_impossible", false);
        answer(possible, "answers", "golden statue", CONTEXT.indexOf("golden statue"));

        SquadDataset data = SquadDataset.load(write(root));
        assertEquals(SquadVersion.V2_0, data.version());
        SquadExample first = data.examples().getFirst();
        assertTrue(first.impossible());
        assertEquals(List.of(), first.answers());
        assertEquals(List.of(new SquadAnswer("golden statue", CONTEXT.indexOf("golden statue"))),
                first.plausibleAnswers());
        assertFalse(data.examples().get(1).impossible());
    }

    @Test
    void withoutAVersionAnIsImpossibleFieldMeansVersion20() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("data");
        ArrayNode qas = (ArrayNode) paragraph(article(root, "t"), "Paris is in France.").get("qas");
        ObjectNode qa = question(qas, "x", "Where is Paris?");
        qa.put("is_impossible", false);
        answer(qa, "answers", "France", 12);
        assertEquals(SquadVersion.V2_0, SquadDataset.load(write(root)).version());
        qa.remove("is_impossible");
        assertEquals(SquadVersion.V1_1, SquadDataset.load(write(root)).version());
    }

    @Test
    void answerStartsCountCodePointsAndBecomeJavaIndices() throws IOException {
        String context = "Emoji 😀 then 𝔘nicode answer here";
        ObjectNode root = squad("1.1");
        ObjectNode qa = question((ArrayNode) paragraph(article(root, "t"), context).get("qas"), "id", "Which?");
        // the file counts code points: two characters outside the BMP come before the answer
        int codePointStart = context.codePointCount(0, context.indexOf("answer"));
        answer(qa, "answers", "answer", codePointStart);
        SquadAnswer read = SquadDataset.load(write(root)).examples().getFirst().answers().getFirst();
        assertEquals(context.indexOf("answer"), read.start());
        assertEquals("answer", context.substring(read.start(), read.end()));
        assertEquals(codePointStart + 2, read.start());
    }

    @Test
    void malformedFilesNameTheFileAndWhere() throws IOException {
        assertError(folder.resolve("absent.json"), ": no such file");

        Path broken = folder.resolve("broken.json");
        Files.writeString(broken, "{\"version\": \"1.1\", \"data\": [\n  {\"title\": \"t\",\n   \"paragraphs\": [}\n]}");
        assertError(broken, ": malformed JSON (line 3, column");

        Files.writeString(broken, "{\"version\": \"1.1\"}");
        assertError(broken, ": no \"data\" array");

        Files.writeString(broken, "[]");
        assertError(broken, ": expected a JSON object");

        assertMalformed(qa -> ((ObjectNode) qa.get("answers").get(0)).put("answer_start", 400),
                "data[0].paragraphs[0].qas[0].answers[0] the span [400, 406) of 'France' is not inside the context "
                        + "of 19 characters (in the article starting at line 1)");
        assertMalformed(qa -> ((ObjectNode) qa.get("answers").get(0)).put("answer_start", -1),
                "answers[0] the span [-1, 5) of 'France'");
        assertMalformed(qa -> ((ObjectNode) qa.get("answers").get(0)).put("answer_start", "12"),
                "answers[0].answer_start is not an integer");
        assertMalformed(qa -> ((ObjectNode) qa.get("answers").get(0)).put("text", ""), "answers[0].text is empty");
        assertMalformed(qa -> qa.remove("question"), "data[0].paragraphs[0].qas[0] has no \"question\"");
        assertMalformed(qa -> qa.put("id", 7), "qas[0].id is not a string");
        assertMalformed(qa -> qa.put("is_impossible", "yes"), "qas[0].is_impossible is not true or false");
        assertMalformed(qa -> qa.put("is_impossible", true), "question 'q' is marked impossible but has answers");
        assertMalformed(qa -> qa.putArray("answers"), "question 'q' has no answer and is not marked impossible");
    }

    @Test
    void repeatedQuestionIdsAndUnknownVersionsAreRejected() throws IOException {
        ObjectNode root = squad("1.1");
        ArrayNode qas = (ArrayNode) paragraph(article(root, "t"), "Paris is in France.").get("qas");
        answer(question(qas, "same", "Where?"), "answers", "France", 12);
        answer(question(qas, "same", "Which?"), "answers", "Paris", 0);
        assertError(write(root), "data[0].paragraphs[0].qas[1].id repeats the question id 'same'");

        ObjectNode unknown = squad("3.0");
        paragraph(article(unknown, "t"), "c");
        assertError(write(unknown), ": unknown SQuAD version '3.0'");
    }

    private void assertMalformed(Consumer<ObjectNode> damage, String expected) throws IOException {
        ObjectNode root = squad("1.1");
        ObjectNode qa = question((ArrayNode) paragraph(article(root, "t"), "Paris is in France.").get("qas"), "q",
                "Where is Paris?");
        answer(qa, "answers", "France", 12);
        damage.accept(qa);
        assertError(write(root), expected);
    }

    private static void assertError(Path file, String expected) {
        DataFileException error = assertThrows(DataFileException.class, () -> SquadDataset.load(file));
        assertTrue(error.getMessage().startsWith(file.toString()) && error.getMessage().contains(expected),
                error.getMessage());
    }

    private Path write(ObjectNode root) throws IOException {
        Path file = Files.createTempFile(folder, "squad", ".json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    private static ObjectNode squad(String version) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", version);
        root.putArray("data");
        return root;
    }

    private static ObjectNode article(ObjectNode root, String title) {
        ObjectNode article = ((ArrayNode) root.get("data")).addObject();
        article.put("title", title);
        article.putArray("paragraphs");
        return article;
    }

    private static ObjectNode paragraph(ObjectNode article, String context) {
        ObjectNode paragraph = ((ArrayNode) article.get("paragraphs")).addObject();
        paragraph.put("context", context);
        paragraph.putArray("qas");
        return paragraph;
    }

    private static ObjectNode question(ArrayNode qas, String id, String question) {
        ObjectNode qa = qas.addObject();
        qa.put("id", id);
        qa.put("question", question);
        qa.putArray("answers");
        return qa;
    }

    private static void answer(ObjectNode qa, String field, String text, int start) {
        ArrayNode answers = qa.has(field) ? (ArrayNode) qa.get(field) : qa.putArray(field);
        ObjectNode answer = answers.addObject();
        answer.put("text", text);
        answer.put("answer_start", start);
    }
}
