#!/usr/bin/env python3
"""PyTorch side of the GPU kit (scripts/gpu-run.sh), for the machine's own PyTorch and transformers.

  step   one BERT-base fine-tuning step as our `slimfit memory` measures it: BertForSequenceClassification from
         transformers' BertConfig defaults (random weights, 2 labels), batch x seq random tokens, fp32 with TF32 off
         (our default), dropout on, AdamW; warm-up steps, then the median wall time of timed steps (each ends with
         torch.cuda.synchronize()), torch.cuda.max_memory_allocated / max_memory_reserved over the timed steps, and
         cudaMemGetInfo's used bytes beyond those before the model was built. Runs the eager attention (the same
         algorithm as ours: scores, softmax, dropout, context) and SDPA (PyTorch's fused attention) for reference.
  profile  the eager step under torch.profiler: GPU time per kernel over the timed steps (to set beside our
         -Dslimfit.cuda.profile table)
  table  one table from our memory JSON and this script's JSON: step time, ledger peak, device-reported peak and
         PyTorch's max_memory_allocated, with the two ratios the issue asks about.
"""
import argparse
import json
import statistics
import sys
import time

MIB = 1024.0 * 1024.0


def device_used_bytes(torch):
    free, total = torch.cuda.mem_get_info()
    return total - free


def one_run(torch, attention, batch, seq, warmup, steps, seed, profiler=None):
    from transformers import BertConfig, BertForSequenceClassification

    torch.cuda.empty_cache()
    torch.manual_seed(seed)
    used_before = device_used_bytes(torch)
    config = BertConfig(num_labels=2, attn_implementation=attention)
    model = BertForSequenceClassification(config).cuda().train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    ids = torch.randint(0, config.vocab_size, (batch, seq), device="cuda")
    types = torch.zeros_like(ids)
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 2, (batch,), device="cuda")

    def train_step():
        loss = model(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    for _ in range(warmup):
        train_step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    millis = []
    if profiler is not None:
        profiler.start()
    for _ in range(steps):
        start = time.perf_counter()
        loss = train_step()
        torch.cuda.synchronize()
        millis.append((time.perf_counter() - start) * 1e3)
    if profiler is not None:
        profiler.stop()
    result = {
        "run": "pytorch " + attention,
        "stepMillis": statistics.median(millis),
        "stepMillisAll": millis,
        "maxMemoryAllocated": torch.cuda.max_memory_allocated(),
        "maxMemoryReserved": torch.cuda.max_memory_reserved(),
        "deviceUsedSinceStart": device_used_bytes(torch) - used_before,
        "loss": float(loss),
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(),
    }
    del model, optimizer
    return result


def step(args):
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    results = [one_run(torch, attention, args.batch, args.seq, args.warmup, args.steps, args.seed)
               for attention in ("eager", "sdpa")]
    for r in results:
        print(f"{r['run']:14s} step {r['stepMillis']:8.1f} ms   max_memory_allocated "
              f"{r['maxMemoryAllocated'] / MIB:8.1f} MiB   reserved {r['maxMemoryReserved'] / MIB:8.1f} MiB   "
              f"device used +{r['deviceUsedSinceStart'] / MIB:8.1f} MiB   ({r['device']}, torch {r['torch']})")
    with open(args.json, "w") as out:
        json.dump(results, out, indent=2)


def profile(args):
    import torch
    from torch.profiler import ProfilerActivity, profile as torch_profile

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    prof = torch_profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA])
    r = one_run(torch, "eager", args.batch, args.seq, args.warmup, args.steps, args.seed, profiler=prof)
    print(f"pytorch eager, {args.steps} profiled steps, median step {r['stepMillis']:.1f} ms")
    print(prof.key_averages().table(sort_by="self_device_time_total", row_limit=args.rows, max_name_column_width=60))


def table(args):
    with open(args.ours) as f:
        ours = json.load(f)
    with open(args.pytorch) as f:
        theirs = json.load(f)
    header = f"{'run':16s} {'step ms':>9s} {'ledger peak':>12s} {'pool reserved':>14s} {'device used':>12s} " \
             f"{'torch max alloc':>16s}   (MiB; device used = cudaMemGetInfo since start)"
    print(header)
    for r in ours:
        print(f"{'slimfit ' + r['mode']:16s} {r['stepMillis']:9.1f} {r['peakTotal'] / MIB:12.1f} "
              f"{r.get('poolReservedPeak', float('nan')) / MIB:14.1f} "
              f"{r.get('deviceUsedSinceStart', float('nan')) / MIB:12.1f} {'':>16s}")
    for r in theirs:
        print(f"{r['run']:16s} {r['stepMillis']:9.1f} {'':>12s} {r['maxMemoryReserved'] / MIB:14.1f} "
              f"{r['deviceUsedSinceStart'] / MIB:12.1f} {r['maxMemoryAllocated'] / MIB:16.1f}")
    full = next((r for r in ours if r["mode"] == "full"), None)
    eager = next((r for r in theirs if r["run"] == "pytorch eager"), None)
    if full and eager:
        print(f"\nfull step / PyTorch eager step: {full['stepMillis'] / eager['stepMillis']:.2f}x (target <= 1.2x)")
        if "deviceUsedSinceStart" in full:
            gap = full["deviceUsedSinceStart"] / full["peakTotal"] - 1
            print(f"device used vs ledger peak (full): {100 * gap:+.1f}% (target within 10%)")
        print(f"ledger peak (full) vs PyTorch max_memory_allocated: "
              f"{full['peakTotal'] / eager['maxMemoryAllocated']:.2f}x")


def add_step_arguments(parser):
    """The training step's shape and schedule, shared by 'step' and 'profile'."""
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("step")
    add_step_arguments(s)
    s.add_argument("--json", required=True)
    p = commands.add_parser("profile")
    add_step_arguments(p)
    p.add_argument("--rows", type=int, default=30)
    t = commands.add_parser("table")
    t.add_argument("ours")
    t.add_argument("pytorch")
    args = parser.parse_args()
    {"step": step, "profile": profile, "table": table}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
