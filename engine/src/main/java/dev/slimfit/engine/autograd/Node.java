package dev.slimfit.engine.autograd;

import dev.slimfit.engine.Names;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One recorded op of the autograd graph: it knows where the gradient of each input goes (the producing node, a
 * trainable leaf, or nowhere) and owns the tensors it saved for its backward.
 *
 * <p>Subclasses decide at construction what to save, from which inputs require grad ({@link #needsGrad}), and
 * implement {@link #backward} to return one gradient per input, null where {@link #needsGrad} is false.
 */
public abstract class Node {

    private final String label;
    private final String path;
    private final Node[] producers;
    private final Tensor[] leaves;
    private final boolean[] needsGrad;
    private final List<SavedSlot> saved = new ArrayList<>(2);
    private boolean released;
    /** Autograd's gradients waiting for their nodes, visible only while this node's backward runs. */
    private Map<Node, Tensor> pendingGradients;

    /**
     * @param op the op's name; the node's label is the current {@link Names} path plus this name
     * @param inputs the op's inputs in the order {@link #backward} returns their gradients (entries may be null)
     */
    protected Node(String op, Tensor... inputs) {
        this.path = Names.current();
        this.label = Names.label(op);
        this.producers = new Node[inputs.length];
        this.leaves = new Tensor[inputs.length];
        this.needsGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor input = inputs[i];
            if (input == null || !input.requiresGrad()) {
                continue;
            }
            needsGrad[i] = true;
            if (input.isLeaf()) {
                leaves[i] = input;
            } else {
                producers[i] = input.gradFn();
            }
        }
    }

    /** Whether any of {@code inputs} requires grad while recording is on: then an op must record a node. */
    public static boolean recording(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    public String label() {
        return label;
    }

    /** Whether the gradient of input {@code i} is wanted. */
    public final boolean needsGrad(int i) {
        return needsGrad[i];
    }

    public final int inputCount() {
        return needsGrad.length;
    }

    final Node producer(int i) {
        return producers[i];
    }

    final Tensor leaf(int i) {
        return leaves[i];
    }

    /**
     * The gradient that input {@code i} has already collected in this backward pass, when nothing else holds it: the
     * buffer of a trainable leaf used before (a weight applied slice by slice), or the pending gradient of the node
     * that produced the input (a layer input feeding Q, K, V and the residual). A backward may add its contribution
     * straight into it (a GEMM with β = 1) and return null for that input: the sum is the same, without a buffer of
     * the input's size per use. Null when there is none, or when it is not of {@code shape}.
     */
    protected final Tensor gradientSoFar(int i, Shape shape) {
        if (!needsGrad[i]) {
            return null;
        }
        Tensor existing = leaves[i] != null ? leaves[i].grad()
                : pendingGradients != null ? pendingGradients.get(producers[i]) : null;
        boolean usable = existing != null && existing.isSoleOwner() && existing.shape().equals(shape);
        return usable ? existing : null;
    }

    /** The module path ({@link Names}) at which the op ran. */
    public String path() {
        return path;
    }

    /** Saves {@code tensor} for backward under the current save policy. */
    protected final SavedSlot save(Tensor tensor, String kind, boolean parameterTrains) {
        SavedSlot slot = SavedSlot.save(tensor, new SaveSite(kind, path, parameterTrains));
        saved.add(slot);
        return slot;
    }

    /** Saves {@code tensor} exactly as it is, whatever the policy (indices, statistics, small tensors). */
    protected final SavedSlot saveExact(Tensor tensor, String kind) {
        SavedSlot slot = SavedSlot.saveWith(tensor, new SaveSite(kind, path, false), Codec.NONE);
        saved.add(slot);
        return slot;
    }

    /** Saves {@code tensor} with a codec the op already chose (after asking {@link #codecFor}). */
    protected final SavedSlot saveWith(Tensor tensor, String kind, boolean parameterTrains, Codec codec) {
        SavedSlot slot = SavedSlot.saveWith(tensor, new SaveSite(kind, path, parameterTrains), codec);
        saved.add(slot);
        return slot;
    }

    /** What the current policy would do with a save of {@code kind}, for ops whose choice of tensor depends on it. */
    protected final Codec codecFor(String kind, boolean parameterTrains) {
        return SavePolicy.current().codecFor(new SaveSite(kind, path, parameterTrains));
    }

    /** Bytes held by this node's saved slots. */
    public long savedBytes() {
        long bytes = 0;
        for (SavedSlot slot : saved) {
            bytes += slot.isReleased() ? 0 : slot.storedBytes();
        }
        return bytes;
    }

    public List<SavedSlot> savedSlots() {
        return List.copyOf(saved);
    }

    /**
     * Gradients of the inputs from the gradient of the output. Runs with recording off. Returned tensors are new
     * (the caller closes them); entries for inputs that need no gradient are null, and so are those the backward
     * added directly into {@link #gradientSoFar}. An implementation may close
     * {@code gradOutput} as soon as it no longer needs it (closing is idempotent), to free its buffer sooner.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    final Tensor[] runBackward(Tensor gradOutput, Map<Node, Tensor> pending) {
        if (released) {
            throw new IllegalStateException("backward through " + label + " a second time: its saved tensors are "
                    + "released after the first backward");
        }
        pendingGradients = pending;
        try {
            return backward(gradOutput);
        } finally {
            pendingGradients = null;
        }
    }

    /** Frees the saved tensors; idempotent. */
    public final void release() {
        released = true;
        for (SavedSlot slot : saved) {
            slot.close();
        }
        saved.clear();
    }

    public boolean isReleased() {
        return released;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + label + ")";
    }
}
