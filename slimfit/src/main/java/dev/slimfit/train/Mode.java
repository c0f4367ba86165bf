package dev.slimfit.train;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The training methods one trainer runs, so that they are compared on equal terms. */
public enum Mode {
    /** Plain fine-tuning: everything trains, activations kept in float32. The baseline. */
    FULL("full"),
    /** Inter-layer scheduling only: frozen tensors as SlimFit chooses them, float32 activations. */
    FREEZE("freeze"),
    /** SlimFit as the reference does it: ILS plus the compressed static activations. */
    SLIMFIT("slimfit"),
    /** SlimFit with this project's improvements (each also switchable alone, see MethodOptions). */
    SLIMFIT_PLUS("slimfit+");

    private final String cliName;

    Mode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The mode named {@code name} ({@code full}, {@code freeze}, {@code slimfit}, {@code slimfit+}). */
    public static Mode parse(String name) {
        for (Mode m : values()) {
            if (m.cliName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Mode::cliName).collect(Collectors.joining(", ")));
    }
}
