package dev.slimfit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to {@code finetune} (and to its per-mode run, where data are read): one line on stderr that names the
 * problem, a non-zero exit code, and no output folder.
 */
class BadInputTest {

    @TempDir
    Path dir;

    private record Outcome(int exit, String err) {
    }

    private static Outcome run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = SlimFitCli.execute(args);
        } finally {
            System.setErr(saved);
        }
        return new Outcome(exit, captured.toString(StandardCharsets.UTF_8).strip());
    }

    private void assertRejected(String expectedInMessage, String... extra) {
        Path output = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("finetune", "--output", output.toString()));
        args.addAll(List.of(extra));
        Outcome outcome = run(args.toArray(String[]::new));
        assertTrue(outcome.exit() != 0, "exit code of " + args);
        assertEquals(1, outcome.err().lines().count(), "one line: " + outcome.err());
        assertTrue(outcome.err().contains(expectedInMessage), outcome.err() + " should name " + expectedInMessage);
        assertFalse(Files.exists(output), "no output folder after " + args);
        assertFalse(Files.exists(dir.resolve("out.partial")), "no staging folder after " + args);
    }

    @Test
    void unknownModeTaskAndOutOfRangeNumbersAreOneLineErrors() {
        assertRejected("unknown mode 'fast'", "--modes", "full,fast");
        assertRejected("unknown task 'imbd'", "--task", "imbd");
        assertRejected("--rate must be in [0, 1)", "--rate", "1.0");
        assertRejected("--rate must be in [0, 1)", "--rate", "-0.1");
        assertRejected("--seq must be in [2, 512]", "--seq", "1000");
        assertRejected("--batch", "--batch", "0");
        assertRejected("--task sst2 needs --data", "--task", "sst2");
        assertRejected("--task squad2 needs --data", "--task", "squad2");
        assertRejected("neither 'minilm' nor a checkpoint folder", "--model", dir.resolve("missing").toString());
    }

    @Test
    void missingAndMalformedDataFilesNameTheFile() throws IOException {
        Path glue = Files.createDirectories(dir.resolve("glue/SST-2"));
        Path output = dir.resolve("run");
        Outcome missing = run("finetune-run", "--task", "sst2", "--data", dir.resolve("glue").toString(), "--mode",
                "full", "--output", output.toString());
        assertTrue(missing.exit() != 0);
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().contains("train.tsv"), missing.err());

        Files.writeString(glue.resolve("train.tsv"), "sentence\tlabel\na fine film\t1\nno label column here\n");
        Files.writeString(glue.resolve("dev.tsv"), "sentence\tlabel\ngood\t1\n");
        Outcome malformed = run("finetune-run", "--task", "sst2", "--data", dir.resolve("glue").toString(), "--mode",
                "full", "--output", output.toString());
        assertTrue(malformed.exit() != 0);
        assertEquals(1, malformed.err().lines().count(), malformed.err());
        assertTrue(malformed.err().contains("train.tsv") && malformed.err().contains("line 3"), malformed.err());
        assertFalse(Files.exists(output.resolve("report.json")), "no report after a failed run");
    }
}
