package dev.slimfit.train.data.glue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes GLUE files in the layouts of the official distribution, written out here column by column from the GLUE
 * files' own headers (independently of the loader's table): the extra columns each task carries are filled with
 * plausible values, so that the loader must pick its columns by name.
 */
final class OfficialGlueFiles {

    /** One example: its texts (second null for single-sentence tasks) and its label as the file spells it. */
    record Row(String first, String second, String label) {
    }

    private OfficialGlueFiles() {
    }

    /** The header line, or null for CoLA's headerless train and dev files. */
    static String header(GlueTask task, boolean dev) {
        return switch (task) {
            case COLA -> null;
            case SST2 -> "sentence\tlabel";
            case MRPC -> "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";
            case STSB -> "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore";
            case QQP -> "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate";
            case MNLI_MATCHED, MNLI_MISMATCHED -> "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\t"
                    + "sentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\t"
                    + (dev ? "label2\tlabel3\tlabel4\tlabel5\t" : "") + "gold_label";
            case QNLI -> "index\tquestion\tsentence\tlabel";
            case RTE, WNLI -> "index\tsentence1\tsentence2\tlabel";
        };
    }

    /** One data line for example number {@code n}. */
    static String line(GlueTask task, boolean dev, int n, Row row) {
        String a = row.first();
        String b = row.second();
        String label = row.label();
        return switch (task) {
            case COLA -> "gj04\t" + label + "\t" + ("0".equals(label) ? "*" : "") + "\t" + a;
            case SST2 -> a + "\t" + label;
            case MRPC -> label + "\t" + (1_000 + n) + "\t" + (2_000 + n) + "\t" + a + "\t" + b;
            case STSB -> n + "\tmain-captions\tMSRvid\t2012test\t" + (100 + n) + "\tnone\tnone\t" + a + "\t" + b + "\t"
                    + label;
            case QQP -> (300 + n) + "\t" + (2 * n + 1) + "\t" + (2 * n + 2) + "\t" + a + "\t" + b + "\t" + label;
            case MNLI_MATCHED, MNLI_MISMATCHED -> n + "\t" + (31_193 + n) + "\t" + (31_193 + n) + "n\tgovernment\t"
                    + "( ( x ) )\t( ( y ) )\t(ROOT (S x))\t(ROOT (S y))\t" + a + "\t" + b + "\t" + label + "\t"
                    + (dev ? label + "\t" + label + "\t" + label + "\t" + label + "\t" : "") + label;
            case QNLI, RTE, WNLI -> n + "\t" + a + "\t" + b + "\t" + label;
        };
    }

    /** Writes the task's train and dev files into {@code folder}; returns {@code folder}. */
    static Path write(Path folder, GlueTask task, List<Row> train, List<Row> dev) throws IOException {
        Files.createDirectories(folder);
        writeFile(folder.resolve(GlueTask.TRAIN_FILE), task, false, train);
        writeFile(folder.resolve(task.devFileName()), task, true, dev);
        return folder;
    }

    static void writeFile(Path file, GlueTask task, boolean dev, List<Row> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        String header = header(task, dev);
        if (header != null) {
            lines.add(header);
        }
        for (int n = 0; n < rows.size(); n++) {
            lines.add(line(task, dev, n, rows.get(n)));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
