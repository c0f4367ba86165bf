/**
 * Model weights in and out, in the Hugging Face layout, treating every file as untrusted.
 *
 * <ul>
 *   <li>{@code safetensors}: the format itself. {@link dev.slimfit.model.checkpoint.safetensors.SafetensorsHeader}
 *       parses and checks a header, {@link dev.slimfit.model.checkpoint.safetensors.SafetensorsReader} maps a file
 *       and copies tensors straight into device memory,
 *       {@link dev.slimfit.model.checkpoint.safetensors.SafetensorsWriter} writes one atomically.</li>
 *   <li>{@link dev.slimfit.model.checkpoint.ConfigJson}: config.json for BERT and ViT with transformers' names.</li>
 *   <li>{@link dev.slimfit.model.checkpoint.CheckpointLoader}: a safetensors file into a model's parameters by name,
 *       with the base-model {@link dev.slimfit.model.checkpoint.PrefixRule}, under
 *       {@link dev.slimfit.model.checkpoint.LoadOptions}, giving a {@link dev.slimfit.model.checkpoint.LoadReport}.
 *       {@link dev.slimfit.model.checkpoint.CheckpointFolder} adds config.json: a {@code save_pretrained} folder.</li>
 *   <li>{@code onnx}: {@link dev.slimfit.model.checkpoint.onnx.OnnxModelReader} reads an ONNX graph's structure with
 *       protobuf's wire-format reader, {@link dev.slimfit.model.checkpoint.onnx.BertOnnxImporter} names and
 *       transposes the weights of a BERT export, {@link dev.slimfit.model.checkpoint.onnx.MiniLmOnnxImporter} loads
 *       the pretrained all-MiniLM-L6-v2 that ships in a Maven jar.</li>
 * </ul>
 *
 * Every loader checks sizes, offsets, dtypes, names and shapes before it copies a byte, so a bad file is a
 * {@link dev.slimfit.model.checkpoint.CheckpointFormatException} naming the file and the tensor or field, and a
 * refused load leaves the model as it was.
 */
package dev.slimfit.model.checkpoint;
