package dev.slimfit.engine;

/**
 * The module path that labels what ops allocate, e.g. {@code encoder.layer.3.attention}: model code enters a name
 * for each module, and an op's output is owned by {@code path + "." + op}. The labels make the ledger's per-owner
 * breakdown readable and let save policies tell sites apart.
 */
public final class Names {

    private static final ThreadLocal<String> PATH = ThreadLocal.withInitial(() -> "");

    private Names() {
    }

    /** Handle that restores the previous path on close. */
    public static final class Entered implements AutoCloseable {
        private final String previous;

        private Entered(String previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            PATH.set(previous);
        }
    }

    /** Appends {@code name} to the current path until the returned handle is closed. */
    public static Entered enter(String name) {
        String previous = PATH.get();
        PATH.set(previous.isEmpty() ? name : previous + "." + name);
        return new Entered(previous);
    }

    /** Replaces the current path with {@code path} (an absolute module name) until the handle is closed. */
    public static Entered at(String path) {
        String previous = PATH.get();
        PATH.set(path);
        return new Entered(previous);
    }

    public static String current() {
        return PATH.get();
    }

    /** The label for something an op named {@code op} allocates at the current path. */
    public static String label(String op) {
        String path = PATH.get();
        return path.isEmpty() ? op : path + "." + op;
    }
}
