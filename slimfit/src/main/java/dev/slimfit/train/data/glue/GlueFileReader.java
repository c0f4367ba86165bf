package dev.slimfit.train.data.glue;

import dev.slimfit.train.data.DataFileException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one GLUE file into a {@link GlueSplit}: finds the columns (by header or position), checks that every row
 * has as many fields as the header, and reads each label as a label name or its index, or each score as a finite
 * number (as the reference reader does, which accepts either form of label).
 */
final class GlueFileReader {

    private final GlueTask task;
    private final Path file;
    private final MalformedRows malformedRows;
    private final List<String> texts = new ArrayList<>();
    private final List<String> secondTexts;
    private final List<Integer> labels = new ArrayList<>();
    private final List<Float> targets = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private ColumnLayout.Columns columns;

    private GlueFileReader(GlueTask task, Path file, MalformedRows malformedRows) {
        this.task = task;
        this.file = file;
        this.malformedRows = malformedRows;
        this.secondTexts = task.isSentencePair() ? new ArrayList<>() : null;
        this.columns = task.layout().header() ? null : task.layout().headerlessColumns();
    }

    static GlueSplit read(GlueTask task, Path file, MalformedRows malformedRows) throws IOException {
        GlueFileReader reader = new GlueFileReader(task, file, malformedRows);
        TsvReader.read(file, reader::row);
        if (reader.columns == null) {
            throw DataFileException.inFile(file, "empty file: expected the " + task.displayName()
                    + " header line and rows");
        }
        return reader.toSplit();
    }

    private void row(long line, String[] fields) throws DataFileException {
        if (columns == null) {
            columns = task.layout().resolve(file, line, fields);
            return;
        }
        String problem = check(fields);
        if (problem != null) {
            if (malformedRows == MalformedRows.REJECT) {
                throw DataFileException.atLine(file, line, problem);
            }
            skipped.add("line " + line + ": " + problem);
            return;
        }
        texts.add(fields[columns.first()]);
        if (secondTexts != null) {
            secondTexts.add(fields[columns.second()]);
        }
        String label = fields[columns.label()];
        if (task.isRegression()) {
            targets.add(Float.parseFloat(label));
        } else {
            labels.add(labelIndex(label));
        }
    }

    /** Why the row cannot be read, or null when it can. */
    private String check(String[] fields) {
        if (fields.length != columns.fieldCount()) {
            return "expected " + columns.fieldCount() + " tab-separated fields, found " + fields.length;
        }
        String label = fields[columns.label()];
        if (task.isRegression()) {
            try {
                float score = Float.parseFloat(label);
                return Float.isFinite(score) ? null : "score '" + label + "' is not a finite number";
            } catch (NumberFormatException e) {
                return "score '" + label + "' is not a number";
            }
        }
        return labelIndex(label) >= 0 ? null : "label '" + label + "' is none of " + task.labelNames()
                + " nor their index 0.." + (task.labelNames().size() - 1);
    }

    /** The label's index, given by name or as the index itself; -1 if it is neither. */
    private int labelIndex(String label) {
        int byName = task.labelNames().indexOf(label);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(label.strip());
            return index >= 0 && index < task.labelNames().size() ? index : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private GlueSplit toSplit() {
        int[] labelArray = task.isRegression() ? null : labels.stream().mapToInt(Integer::intValue).toArray();
        float[] targetArray = null;
        if (task.isRegression()) {
            targetArray = new float[targets.size()];
            for (int i = 0; i < targetArray.length; i++) {
                targetArray[i] = targets.get(i);
            }
        }
        return new GlueSplit(file, texts, secondTexts, labelArray, targetArray, skipped);
    }
}
