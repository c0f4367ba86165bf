package dev.slimfit.engine.autograd;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the recorded graph. Each node runs once, in reverse topological order; its saved
 * tensors and its incoming gradient are freed right after it runs, so memory falls as backward proceeds. Gradients
 * of trainable leaves accumulate into {@link Tensor#grad()} buffers of category {@link Category#GRADIENT}, created
 * on first use; frozen leaves get none.
 */
public final class Autograd {

    private Autograd() {
    }

    /** Backpropagates from a scalar loss (gradient 1). */
    public static void backward(Tensor loss) {
        loss.checkOpen("backward");
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("backward: the loss must have one element, got " + loss.describe());
        }
        if (!loss.requiresGrad()) {
            throw new IllegalArgumentException("backward: " + loss.describe() + " does not require grad (no input "
                    + "that produced it requires grad, or it was computed with grad disabled)");
        }
        Tensor seed = Ops.full(loss.device(), loss.shape(), 1f);
        backward(loss, seed);
    }

    /** Backpropagates {@code gradOutput} (same shape as {@code output}; consumed and closed here). */
    public static void backward(Tensor output, Tensor gradOutput) {
        if (!output.shape().equals(gradOutput.shape())) {
            throw new IllegalArgumentException("backward: gradient " + gradOutput.describe() + " does not match output "
                    + output.describe());
        }
        try (GradMode.Restore ignored = GradMode.disabled()) {
            if (output.isLeaf()) {
                accumulateIntoLeaf(output, gradOutput);
                return;
            }
            List<Node> order = topologicalOrder(output.gradFn());
            Map<Node, Tensor> pending = new IdentityHashMap<>();
            pending.put(output.gradFn(), gradOutput);
            try {
                for (Node node : order) {
                    Tensor grad = pending.remove(node);
                    if (grad == null) {
                        node.release();
                        continue;
                    }
                    Tensor[] inputGrads;
                    try {
                        inputGrads = node.runBackward(grad, pending);
                    } finally {
                        node.release();
                        grad.close();
                    }
                    route(node, inputGrads, pending);
                }
            } finally {
                for (Tensor leftover : pending.values()) {
                    leftover.close();
                }
                for (Node node : order) {
                    node.release();
                }
            }
        }
    }

    private static void route(Node node, Tensor[] inputGrads, Map<Node, Tensor> pending) {
        if (inputGrads.length != node.inputCount()) {
            throw new IllegalStateException(node + " returned " + inputGrads.length + " gradients for "
                    + node.inputCount() + " inputs");
        }
        for (int i = 0; i < inputGrads.length; i++) {
            Tensor g = inputGrads[i];
            if (g == null) {
                continue;
            }
            if (!node.needsGrad(i)) {
                g.close();
                continue;
            }
            if (node.leaf(i) != null) {
                accumulateIntoLeaf(node.leaf(i), g);
            } else {
                Node producer = node.producer(i);
                Tensor existing = pending.get(producer);
                if (existing == null) {
                    pending.put(producer, g);
                } else if (existing.isSoleOwner()) {
                    // nothing else reads the running sum: add in place rather than allocate a third buffer
                    Ops.accumulate(existing, g);
                    g.close();
                } else {
                    Tensor sum = Ops.add(existing, g);
                    existing.close();
                    g.close();
                    pending.put(producer, sum);
                }
            }
        }
    }

    /** Adds {@code g} (consumed) into {@code leaf.grad()}, creating the gradient buffer on first use. */
    static void accumulateIntoLeaf(Tensor leaf, Tensor g) {
        if (!leaf.shape().equals(g.shape())) {
            throw new IllegalStateException("gradient " + g.describe() + " does not match the shape of "
                    + leaf.describe());
        }
        Tensor existing = leaf.grad();
        if (existing != null) {
            Ops.accumulate(existing, g);
            g.close();
            return;
        }
        String owner = (leaf.name() != null ? leaf.name() : leaf.owner()) + ".grad";
        if (g.adoptAs(Category.GRADIENT, owner)) {
            leaf.grad(g);
            return;
        }
        Tensor grad = Tensor.empty(leaf.device(), DType.F32, leaf.shape(), Category.GRADIENT, owner);
        Ops.copyInto(g, grad);
        g.close();
        leaf.grad(grad);
    }

    /** Nodes reachable from {@code root}, each after every node that consumes its output. */
    static List<Node> topologicalOrder(Node root) {
        List<Node> postOrder = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node node = (Node) frame[0];
            int next = (Integer) frame[1];
            if (next < node.inputCount()) {
                frame[1] = next + 1;
                Node producer = node.producer(next);
                if (producer != null && visited.add(producer)) {
                    stack.push(new Object[] {producer, 0});
                }
            } else {
                stack.pop();
                postOrder.add(node);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }
}
