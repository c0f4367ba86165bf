package dev.slimfit.engine.autograd;

/**
 * Whether ops record the graph on this thread. Inside {@link #disabled()} nothing is recorded and nothing is saved
 * (inference, evaluation, optimizer updates, and the backward pass itself).
 */
public final class GradMode {

    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Handle that restores the previous mode on close. */
    public static final class Restore implements AutoCloseable {
        private final boolean previous;

        private Restore(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            ENABLED.set(previous);
        }
    }

    /** Turns recording off until the handle is closed. */
    public static Restore disabled() {
        boolean previous = ENABLED.get();
        ENABLED.set(false);
        return new Restore(previous);
    }

    /** Turns recording on until the handle is closed. */
    public static Restore enabled() {
        boolean previous = ENABLED.get();
        ENABLED.set(true);
        return new Restore(previous);
    }
}
