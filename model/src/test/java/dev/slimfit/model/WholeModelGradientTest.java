package dev.slimfit.model;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.GradCheck;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.model.vit.ViTForImageClassification;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Finite-difference checks of every parameter's gradient of whole tiny BERT and ViT models, with dropout on (its
 * counters are rewound before each evaluation, so the function is fixed) and padding in the batch.
 */
class WholeModelGradientTest {

    private final Device device = Devices.reference();
    private final TestRandom random = new TestRandom();

    @Test
    void bertSequenceClassificationEveryParameter() {
        long start = device.ledger().liveTotal();
        BertConfig config = TinyModels.bert(3, 0.1f);
        try (BertForSequenceClassification model = new BertForSequenceClassification(device, config, 7, false)) {
            model.initialize(random.nextLong());
            model.train(true);
            BertBatch batch = TinyModels.batch(random, config, 2, 5);
            int[] labels = random.ints(2, 3);
            GradCheck.check("BERT classification", random, in -> {
                model.bert().dropoutStream().position(0);
                return model.classificationLoss(model.logits(batch), labels);
            }, model.parameters().toArray(Tensor[]::new));
        }
        assertEquals(start, device.ledger().liveTotal());
    }

    @Test
    void bertRegressionWithDropoutOnValues() {
        BertConfig config = TinyModels.bert(1, 0.2f);
        try (BertForSequenceClassification model = new BertForSequenceClassification(device, config, 9, true)) {
            model.initialize(random.nextLong());
            model.train(true);
            BertBatch batch = TinyModels.batch(random, config, 2, 4);
            float[] targets = random.uniform(2, -1, 1);
            GradCheck.check("BERT regression", random, in -> {
                model.bert().dropoutStream().position(0);
                return model.regressionLoss(model.logits(batch), targets);
            }, model.parameters().toArray(Tensor[]::new));
        }
    }

    @Test
    void bertQuestionAnswering() {
        BertConfig config = TinyModels.bert(2, 0f);
        try (BertForQuestionAnswering model = new BertForQuestionAnswering(device, config, 3, false)) {
            model.initialize(random.nextLong());
            BertBatch batch = TinyModels.batch(random, config, 2, 6);
            GradCheck.check("BERT QA", random,
                    in -> model.loss(model.logits(batch), new int[] {1, 7}, new int[] {3, 2}),
                    model.parameters().toArray(Tensor[]::new));
        }
    }

    @Test
    void vitImageClassificationEveryParameter() {
        ViTConfig config = TinyModels.vit(3, 0.1f);
        try (ViTForImageClassification model = new ViTForImageClassification(device, config, 5, false)) {
            model.initialize(random.nextLong());
            model.train(true);
            Tensor images = GradCheck.leaf(device, random, false, -1, 1, 2, 3, 6, 6);
            int[] labels = random.ints(2, 3);
            try (images) {
                GradCheck.check("ViT classification", random, in -> {
                    model.vit().dropoutStream().position(0);
                    return model.loss(model.logits(images), labels);
                }, model.parameters().toArray(Tensor[]::new));
            }
        }
    }

    @Test
    void inputGradientFlowsThroughFrozenModel() {
        // every parameter frozen: backward still reaches an input that requires grad, and no parameter gets a buffer
        ViTConfig config = TinyModels.vit(2, 0f);
        try (ViTForImageClassification model = new ViTForImageClassification(device, config, 5, false)) {
            model.initialize(random.nextLong());
            model.parameters().forEach(p -> p.requiresGrad(false));
            Tensor images = GradCheck.leaf(device, random, true, -1, 1, 1, 3, 6, 6);
            try (images) {
                GradCheck.check("frozen ViT input gradient", random,
                        in -> Ops.sum(model.logits(in[0])), images);
                for (Tensor p : model.parameters()) {
                    assertEquals(null, p.grad(), p.name());
                }
            }
        }
    }
}
