package dev.slimfit.train.data.glue;

/**
 * The train and dev splits of one GLUE task, with what the task prescribes (labels, metrics, default freezing rate)
 * through {@link #task()}.
 */
public record GlueDataset(GlueTask task, GlueSplit train, GlueSplit dev) {
}
