/**
 * GLUE: {@link dev.slimfit.train.data.glue.GlueTask} knows every task's TSV layout, labels, metrics and SlimFit's
 * default freezing rate; {@code GlueTask.load(folder)} gives the train and dev splits.
 */
package dev.slimfit.train.data.glue;
