package dev.slimfit.engine.ops;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SavedSlot;

/** Row lookup {@code table[ids]}; the table's gradient is a scatter-add of the output gradient. */
final class EmbeddingOp {

    private EmbeddingOp() {
    }

    static Tensor embedding(Tensor ids, Tensor table) {
        String op = "embedding";
        Device device = Checks.openOnOneDevice(op, ids, table);
        Checks.dtype(op, "ids", ids, DType.I32);
        Checks.dtype(op, "table", table, DType.F32);
        Checks.rank(op, "table", table, 2);
        int vocab = table.dim(0);
        int dim = table.dim(1);
        long countLong = ids.numel();
        Checks.fits(op, "ids", countLong);
        int count = (int) countLong;
        int[] outDims = new int[ids.rank() + 1];
        System.arraycopy(ids.dims(), 0, outDims, 0, ids.rank());
        outDims[ids.rank()] = dim;
        Tensor out = Tensor.workspace(device, DType.F32, Shape.of(outDims), op);
        try (Tensor idsDense = ArithmeticOps.dense(ids); Tensor tableDense = ArithmeticOps.dense(table)) {
            try {
                device.kernels().embedding().gather(count, dim, tableDense.segment(), vocab, idsDense.segment(),
                        out.segment());
            } catch (IndexOutOfBoundsException e) {
                out.close();
                throw new IndexOutOfBoundsException(op + ": ids " + ids.describe() + " index table "
                        + table.describe() + ": " + e.getMessage());
            }
            if (Node.recording(table)) {
                out.gradFn(new Node(op, ids, table) {
                    private final SavedSlot savedIds = saveExact(idsDense, "embedding.ids");

                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor dTable = Tensor.zeros(g.device(), DType.F32, Shape.of(vocab, dim), Category.WORKSPACE,
                                Names.label("embedding.gradTable"));
                        try (Tensor idv = savedIds.get(); Tensor gd = ArithmeticOps.dense(g)) {
                            g.device().kernels().embedding().scatterAdd(count, dim, gd.segment(), idv.segment(),
                                    dTable.segment(), vocab);
                        }
                        return new Tensor[] {null, dTable};
                    }
                });
            }
        }
        return out;
    }
}
