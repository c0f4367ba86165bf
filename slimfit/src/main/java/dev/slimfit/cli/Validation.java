package dev.slimfit.cli;

/** Checks of command-line values that picocli's types cannot express; each failure is one clear sentence. */
final class Validation {

    private Validation() {
    }

    static void rate(double r) {
        rate("--rate", r);
    }

    static void rate(String option, double r) {
        if (!(r >= 0 && r < 1)) {
            throw new IllegalArgumentException(option + " must be in [0, 1), got " + r);
        }
    }

    static void positive(String option, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }
}
