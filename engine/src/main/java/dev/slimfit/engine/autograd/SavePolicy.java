package dev.slimfit.engine.autograd;

/**
 * Chooses the storage format of each tensor an op saves for backward. The engine offers the mechanism; a training
 * method (e.g. SlimFit) installs a policy for the duration of a step with {@link #use}.
 */
@FunctionalInterface
public interface SavePolicy {

    /** Keeps every saved tensor in float32: plain autograd. */
    SavePolicy FULL_PRECISION = site -> Codec.NONE;

    Codec codecFor(SaveSite site);

    /** The policy of this thread (full precision unless one is installed). */
    static SavePolicy current() {
        return SavePolicyHolder.CURRENT.get();
    }

    /** Installs {@code policy} on this thread until the handle is closed. */
    static Installed use(SavePolicy policy) {
        SavePolicy previous = SavePolicyHolder.CURRENT.get();
        SavePolicyHolder.CURRENT.set(policy);
        return new Installed(previous);
    }

    /** Handle that restores the previous policy on close. */
    final class Installed implements AutoCloseable {
        private final SavePolicy previous;

        private Installed(SavePolicy previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            SavePolicyHolder.CURRENT.set(previous);
        }
    }
}

final class SavePolicyHolder {
    static final ThreadLocal<SavePolicy> CURRENT = ThreadLocal.withInitial(() -> SavePolicy.FULL_PRECISION);

    private SavePolicyHolder() {
    }
}
