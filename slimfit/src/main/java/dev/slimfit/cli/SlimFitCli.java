package dev.slimfit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The {@code slimfit} command-line tool. */
@Command(name = "slimfit", mixinStandardHelpOptions = true, version = "slimfit 0.1.0",
        description = "Memory-efficient fine-tuning of BERT and ViT on the JVM.",
        subcommands = {FinetuneCommand.class, PretrainCommand.class, MemoryCommand.class, EvalCommand.class, FinetuneRunCommand.class, MemoryProbeCommand.class})
public final class SlimFitCli {

    /** Exit code of a run that failed on bad input or a failing step (picocli uses 2 for usage errors). */
    public static final int FAILURE = 1;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the tool and returns its exit code; errors are reported in one line, without a stack trace. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new SlimFitCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof IOException || e instanceof UncheckedIOException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return FAILURE;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
