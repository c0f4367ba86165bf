package dev.slimfit.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic release of intermediates: every workspace tensor, view and saved slot created on this thread while
 * a scope is open is closed when the scope closes, unless {@link #keep kept}. Scopes nest; closing one that is not
 * the innermost open scope is an error (it would leave the thread's scope stack inconsistent).
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.loss(batch);
 *     Autograd.backward(loss);
 * } // activations, workspace and views of this step are freed here
 * }</pre>
 */
public final class Scope implements AutoCloseable {

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread owner;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope nested in the current one (if any) and makes it current. */
    public static Scope open() {
        Scope scope = new Scope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The innermost open scope of this thread, or null. */
    public static Scope current() {
        return CURRENT.get();
    }

    /** Adds a resource to the current scope, if one is open. */
    public static void registerInCurrent(AutoCloseable resource) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            scope.resources.add(resource);
        }
    }

    /** Removes a resource from the current scope (it becomes the caller's to close); a no-op if it is not there. */
    public static void unregisterFromCurrent(AutoCloseable resource) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            scope.remove(resource);
        }
    }

    /**
     * Hands {@code resource} out of this scope: it moves to the enclosing scope, or, at the outermost level, to the
     * caller, who must close it.
     */
    public <T extends AutoCloseable> T keep(T resource) {
        if (!remove(resource)) {
            throw new IllegalArgumentException("keep: " + resource + " does not belong to this scope");
        }
        if (parent != null) {
            parent.resources.add(resource);
        }
        return resource;
    }

    private boolean remove(AutoCloseable resource) {
        // kept resources are usually recent: search from the end
        for (int i = resources.size() - 1; i >= 0; i--) {
            if (resources.get(i) == resource) {
                resources.remove(i);
                return true;
            }
        }
        return false;
    }

    /** Number of resources this scope will close. */
    public int size() {
        return resources.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a scope must be closed by the thread that opened it (" + owner.getName()
                    + ")");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("scopes closed out of order: an inner scope is still open");
        }
        closed = true;
        CURRENT.set(parent);
        RuntimeException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing a scope resource failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
