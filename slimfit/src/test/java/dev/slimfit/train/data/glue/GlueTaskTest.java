package dev.slimfit.train.data.glue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.train.data.DataFileException;
import dev.slimfit.train.data.glue.OfficialGlueFiles.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every GLUE task read from files in the official layout: random examples (quotes and other CSV-special characters
 * included, since the files are not quoted) come back exactly, with their labels as indices or scores; malformed
 * rows and missing files give errors naming the file and line.
 */
class GlueTaskTest {

    private static final int MAX_ROWS = 40;
    private static final String[] WORDS = {"the", "film", "\"quoted\"", "it's", "a,b", "naïve", "\"", "''", "--",
        "(x)", "100%", "Zürich", "日本", "😀", "end.", "#1", "a\\b", " "};

    @TempDir
    Path folder;

    @ParameterizedTest
    @EnumSource(GlueTask.class)
    void randomExamplesInTheOfficialLayoutComeBackExactly(GlueTask task) throws IOException {
        TestRandom random = new TestRandom();
        Examples train = randomExamples(task, random, random.ints(1, MAX_ROWS + 1)[0]);
        Examples dev = randomExamples(task, random, random.ints(1, MAX_ROWS + 1)[0]);
        OfficialGlueFiles.write(folder, task, train.rows, dev.rows);

        GlueDataset data = task.load(folder);
        String where = task + ", " + random.describe();
        assertEquals(task, data.task());
        check(train, data.train(), folder.resolve("train.tsv"), where);
        check(dev, data.dev(), folder.resolve(task.devFileName()), where);
    }

    @ParameterizedTest
    @EnumSource(GlueTask.class)
    void filesWithOnlyTheHeaderAreEmptySplits(GlueTask task) throws IOException {
        OfficialGlueFiles.write(folder, task, List.of(), List.of());
        GlueDataset data = task.load(folder);
        assertEquals(0, data.train().size());
        assertEquals(0, data.dev().size());
    }

    @Test
    void theGlueRootFolderIsAcceptedAndMnliVariantsReadTheirOwnDevFile() throws IOException {
        Path mnli = folder.resolve("MNLI");
        OfficialGlueFiles.write(mnli, GlueTask.MNLI_MATCHED, List.of(new Row("p", "h", "neutral")),
                List.of(new Row("matched premise", "h", "contradiction")));
        OfficialGlueFiles.writeFile(mnli.resolve("dev_mismatched.tsv"), GlueTask.MNLI_MISMATCHED, true,
                List.of(new Row("mismatched premise", "h", "entailment"), new Row("p2", "h2", "neutral")));

        GlueDataset matched = GlueTask.MNLI_MATCHED.load(folder);
        GlueDataset mismatched = GlueTask.byName("mnli-mm").load(folder);
        assertEquals(List.of("matched premise"), matched.dev().texts());
        assertArrayEquals(new int[] {2}, matched.dev().labels());
        assertEquals(List.of("mismatched premise", "p2"), mismatched.dev().texts());
        assertArrayEquals(new int[] {0, 1}, mismatched.dev().labels());
        assertArrayEquals(new int[] {1}, mismatched.train().labels());
    }

    @Test
    void crLfLineEndingsAByteOrderMarkAndEmptyLinesAreRead() throws IOException {
        String content = "\uFEFFsentence\tlabel\r\n  a \"quoted\" film \t1\r\n\r\nbad\t0\r\n";
        Files.writeString(folder.resolve("train.tsv"), content, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("dev.tsv"), "sentence\tlabel\rx\t1\r", StandardCharsets.UTF_8);
        GlueDataset data = GlueTask.SST2.load(folder);
        assertEquals(List.of("  a \"quoted\" film ", "bad"), data.train().texts());
        assertArrayEquals(new int[] {1, 0}, data.train().labels());
        assertEquals(List.of("x"), data.dev().texts());
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsNamesItsFileAndLine() throws IOException {
        writeRaw("RTE", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta\tb\textra\tentailment\n");
        DataFileException error = assertThrows(DataFileException.class, () -> GlueTask.RTE.load(folder));
        assertEquals(folder.resolve("train.tsv") + ", line 3: expected 4 tab-separated fields, found 5",
                error.getMessage());
    }

    @Test
    void unknownLabelsAndScoresAreRejectedWithTheirLine() throws IOException {
        writeRaw("QNLI", "index\tquestion\tsentence\tlabel\n0\tq\ts\tentailment\n1\tq\ts\tneutral\n");
        DataFileException label = assertThrows(DataFileException.class, () -> GlueTask.QNLI.load(folder));
        assertTrue(label.getMessage().startsWith(folder.resolve("train.tsv") + ", line 3: label 'neutral' is none of "
                + "[entailment, not_entailment]"), label.getMessage());

        writeRaw("CoLA", "gj04\t1\t\tfine\ngj04\t2\t*\tout of range\n");
        DataFileException index = assertThrows(DataFileException.class, () -> GlueTask.COLA.load(folder));
        assertTrue(index.getMessage().contains("line 2: label '2'"), index.getMessage());

        writeRaw("STS-B", OfficialGlueFiles.header(GlueTask.STSB, false) + "\n"
                + OfficialGlueFiles.line(GlueTask.STSB, false, 0, new Row("a", "b", "high")) + "\n");
        DataFileException score = assertThrows(DataFileException.class, () -> GlueTask.STSB.load(folder));
        assertTrue(score.getMessage().endsWith("line 2: score 'high' is not a number"), score.getMessage());

        writeRaw("STS-B", OfficialGlueFiles.header(GlueTask.STSB, false) + "\n"
                + OfficialGlueFiles.line(GlueTask.STSB, false, 0, new Row("a", "b", "NaN")) + "\n");
        DataFileException nan = assertThrows(DataFileException.class, () -> GlueTask.STSB.load(folder));
        assertTrue(nan.getMessage().endsWith("line 2: score 'NaN' is not a finite number"), nan.getMessage());
    }

    @Test
    void skippingMalformedRowsKeepsTheOthersAndListsTheSkipped() throws IOException {
        writeRaw("QQP", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n"
                + "0\t1\t2\tHow?\tWhy?\t0\n"
                + "1\t3\t4\tonly one question\t1\n"
                + "2\t5\t6\tWhat?\tWhen?\t1\n"
                + "3\t7\t8\tWho?\tWhom?\tmaybe\n");
        GlueDataset data = GlueTask.QQP.load(folder, MalformedRows.SKIP);
        assertEquals(List.of("How?", "What?"), data.train().texts());
        assertEquals(List.of("Why?", "When?"), data.train().secondTexts());
        assertArrayEquals(new int[] {0, 1}, data.train().labels());
        assertEquals(List.of("line 3: expected 6 tab-separated fields, found 5",
                "line 5: label 'maybe' is none of [not_duplicate, duplicate] nor their index 0..1"),
                data.train().skippedRows());
        assertThrows(DataFileException.class, () -> GlueTask.QQP.load(folder));
    }

    @Test
    void missingFilesHeadersAndColumnsAreNamed() throws IOException {
        DataFileException noFolder = assertThrows(DataFileException.class, () -> GlueTask.MRPC.load(folder));
        assertTrue(noFolder.getMessage().startsWith(folder.resolve("train.tsv") + ": no such file, nor "
                + folder.resolve("MRPC").resolve("train.tsv")), noFolder.getMessage());

        Files.writeString(folder.resolve("train.tsv"), OfficialGlueFiles.header(GlueTask.MRPC, false) + "\n");
        DataFileException noDev = assertThrows(DataFileException.class, () -> GlueTask.MRPC.load(folder));
        assertEquals(folder.resolve("dev.tsv") + ": no such file", noDev.getMessage());

        Files.writeString(folder.resolve("train.tsv"), "");
        Files.writeString(folder.resolve("dev.tsv"), OfficialGlueFiles.header(GlueTask.MRPC, true) + "\n");
        DataFileException empty = assertThrows(DataFileException.class, () -> GlueTask.MRPC.load(folder));
        assertTrue(empty.getMessage().startsWith(folder.resolve("train.tsv") + ": empty file"), empty.getMessage());

        Files.writeString(folder.resolve("train.tsv"), "Quality\t#1 ID\t#2 ID\t#1 String\tString 2\n");
        DataFileException column = assertThrows(DataFileException.class, () -> GlueTask.MRPC.load(folder));
        assertTrue(column.getMessage().startsWith(folder.resolve("train.tsv")
                + ", line 1: the header has no column '#2 String'"), column.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8NameTheirLine() throws IOException {
        byte[] bad = "sentence\tlabel\nfine\t1\nbad \u00ff".getBytes(StandardCharsets.ISO_8859_1);
        byte[] content = new byte[bad.length + 3];
        System.arraycopy(bad, 0, content, 0, bad.length);
        content[bad.length] = '\t';
        content[bad.length + 1] = '0';
        content[bad.length + 2] = '\n';
        Files.write(folder.resolve("train.tsv"), content);
        Files.writeString(folder.resolve("dev.tsv"), "sentence\tlabel\n");
        DataFileException error = assertThrows(DataFileException.class, () -> GlueTask.SST2.load(folder));
        assertTrue(error.getMessage().startsWith(folder.resolve("train.tsv") + ", line 3: not UTF-8"),
                error.getMessage());
    }

    @Test
    void eachTaskReportsItsGlueMetricsAndTheReferenceFreezingRate() {
        int[] gold = {1, 0, 1, 1, 0, 0, 1};
        int[] predicted = {1, 0, 0, 1, 1, 0, 1};
        // tp 3, tn 2, fp 1, fn 1: accuracy 5/7, F1 6/8, MCC (6 - 1) / sqrt(4 * 4 * 3 * 3) = 5/12
        assertEquals(Map.of("mcc", 5.0 / 12), GlueTask.COLA.evaluate(predicted, gold));
        assertEquals(List.of("f1", "accuracy"), List.copyOf(GlueTask.MRPC.evaluate(predicted, gold).keySet()));
        assertEquals(6.0 / 8, GlueTask.QQP.evaluate(predicted, gold).get("f1"), 1e-12);
        assertEquals(5.0 / 7, GlueTask.QQP.evaluate(predicted, gold).get("accuracy"), 1e-12);
        for (GlueTask task : List.of(GlueTask.SST2, GlueTask.MNLI_MATCHED, GlueTask.MNLI_MISMATCHED, GlueTask.QNLI,
                GlueTask.RTE, GlueTask.WNLI)) {
            assertEquals(Map.of("accuracy", 5.0 / 7), task.evaluate(predicted, gold), task.toString());
        }
        double[] scores = {0.5, 2.0, 4.5, 3.0};
        double[] predictedScores = {1.0, 2.0, 4.0, 5.0}; // ranks agree except the last two: Spearman 0.8
        Map<String, Double> sts = GlueTask.STSB.evaluate(predictedScores, scores);
        assertEquals(List.of("pearson", "spearman"), List.copyOf(sts.keySet()));
        assertEquals(0.8, sts.get("spearman"), 1e-12);
        assertThrows(IllegalStateException.class, () -> GlueTask.STSB.evaluate(predicted, gold));
        assertThrows(IllegalStateException.class, () -> GlueTask.RTE.evaluate(predictedScores, scores));

        assertEquals(Map.of(GlueTask.SST2, 0.95, GlueTask.QNLI, 0.95, GlueTask.MRPC, 0.90, GlueTask.COLA, 0.90,
                GlueTask.RTE, 0.90, GlueTask.STSB, 0.85, GlueTask.MNLI_MATCHED, 0.80, GlueTask.MNLI_MISMATCHED, 0.80,
                GlueTask.QQP, 0.80, GlueTask.WNLI, 0.90), rates());
        assertEquals(GlueMetric.MATTHEWS, GlueTask.COLA.primaryMetric());
        assertEquals(GlueMetric.PEARSON, GlueTask.STSB.primaryMetric());
        assertEquals(3, GlueTask.MNLI_MATCHED.numLabels());
        assertEquals(1, GlueTask.STSB.numLabels());
    }

    @Test
    void namesAreMatchedLooselyAndUnknownOnesListTheKnown() {
        assertEquals(GlueTask.SST2, GlueTask.byName("SST-2"));
        assertEquals(GlueTask.SST2, GlueTask.byName("sst2"));
        assertEquals(GlueTask.STSB, GlueTask.byName("sts-b"));
        assertEquals(GlueTask.MNLI_MATCHED, GlueTask.byName("MNLI"));
        assertEquals(GlueTask.MNLI_MISMATCHED, GlueTask.byName("mnli_mismatched"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> GlueTask.byName("squad"));
        assertTrue(error.getMessage().contains("unknown GLUE task 'squad'"), error.getMessage());
    }

    private static Map<GlueTask, Double> rates() {
        Map<GlueTask, Double> rates = new java.util.EnumMap<>(GlueTask.class);
        for (GlueTask task : GlueTask.values()) {
            rates.put(task, task.defaultFreezingRate());
        }
        return rates;
    }

    private void writeRaw(String taskFolder, String train) throws IOException {
        Path dir = folder;
        Files.writeString(dir.resolve("train.tsv"), train, StandardCharsets.UTF_8);
        GlueTask task = GlueTask.byName(taskFolder);
        String header = OfficialGlueFiles.header(task, true);
        Files.writeString(dir.resolve(task.devFileName()), header == null ? "" : header + "\n", StandardCharsets.UTF_8);
    }

    /** Random examples and what the loader must make of them. */
    private record Examples(List<Row> rows, List<String> firsts, List<String> seconds, int[] labels,
                            float[] targets) {
    }

    private static Examples randomExamples(GlueTask task, TestRandom random, int count) {
        List<Row> rows = new ArrayList<>();
        List<String> firsts = new ArrayList<>();
        List<String> seconds = task.isSentencePair() ? new ArrayList<>() : null;
        int[] labels = task.isRegression() ? null : new int[count];
        float[] targets = task.isRegression() ? new float[count] : null;
        int[] labelDraws = random.ints(count, Math.max(1, task.numLabels()));
        float[] scoreDraws = random.uniform(count, 0, 5);
        boolean[] byName = new boolean[count];
        int[] nameDraws = random.ints(count, 2);
        for (int i = 0; i < count; i++) {
            byName[i] = nameDraws[i] == 1;
            String first = sentence(random);
            String second = task.isSentencePair() ? sentence(random) : null;
            String label;
            if (task.isRegression()) {
                label = String.format(java.util.Locale.ROOT, "%.3f", scoreDraws[i]);
                targets[i] = Float.parseFloat(label);
            } else {
                labels[i] = labelDraws[i];
                // the files spell labels as names (MNLI, QNLI, RTE) or indices (the others); both must read
                label = byName[i] ? task.labelNames().get(labels[i]) : Integer.toString(labels[i]);
            }
            rows.add(new Row(first, second, label));
            firsts.add(first);
            if (seconds != null) {
                seconds.add(second);
            }
        }
        return new Examples(rows, firsts, seconds, labels, targets);
    }

    private static String sentence(TestRandom random) {
        int[] picks = random.ints(1 + random.ints(1, 12)[0], WORDS.length);
        StringBuilder text = new StringBuilder();
        for (int p : picks) {
            text.append(text.isEmpty() ? "" : " ").append(WORDS[p]);
        }
        return text.toString();
    }

    private static void check(Examples expected, GlueSplit actual, Path file, String where) {
        assertEquals(file, actual.file(), where);
        assertEquals(expected.firsts, actual.texts(), where);
        assertEquals(expected.seconds, actual.secondTexts(), where);
        assertEquals(List.of(), actual.skippedRows(), where);
        if (expected.labels != null) {
            assertArrayEquals(expected.labels, actual.labels(), where);
            assertNull(actual.targets(), where);
            assertArrayEquals(expected.labels, actual.classification().labels(), where);
            assertThrows(IllegalStateException.class, actual::regression, where);
        } else {
            assertArrayEquals(expected.targets, actual.targets(), where);
            assertArrayEquals(expected.targets, actual.regression().targets(), where);
            assertThrows(IllegalStateException.class, actual::classification, where);
        }
    }
}
