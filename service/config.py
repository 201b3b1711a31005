"""Typed settings, read from the environment (prefix ROLEQA_) and validated at startup."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Settings(BaseSettings):
    """Everything roleqa can be configured with; one instance per process."""

    model_config = SettingsConfigDict(env_prefix="ROLEQA_", env_file=".env", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    # "minilm" is the packaged all-MiniLM-L6-v2 as fp32 ONNX on onnxruntime (no torch at serve time; the
    # same vectors as sentence-transformers); "minilm-torch" the sentence-transformers reference;
    # "minilm-int8" the int8 ONNX model (faster, other vectors); "fake" the deterministic test encoder.
    encoder: str = "minilm"
    # where the fp32 ONNX export lives (made from the installed weights by `roleqa export-encoder`/`index`)
    model_dir: Path = PROJECT_ROOT / "models"
    # intra-op threads for the encoder; unset, every core this process may use (in-process answers, the CLI,
    # evaluation), while `roleqa serve` gives each worker its share of the cores (one each with one worker
    # per core: workers scale across cores)
    torch_threads: int | None = Field(default=None, ge=1, le=64)
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'roleqa.db'}"

    # retrieval
    top_k: int = Field(default=5, ge=1, le=50)
    rrf_k: int = Field(default=60, ge=1)
    # how deep each ranking (dense, BM25, aspect) goes before fusion: 100 ranks every chunk of the articles (90), so
    # a chunk one ranking misses still gets its rank there ("investing mentality": BM25 and aspect first, dense
    # below 30th). Dev suites, 30 -> 100: hit@5 0.961 -> 0.968, MRR@10 0.915 -> 0.922, follow-up hit@5 0.901 -> 0.903,
    # answers 3,598 both (with the advice sections' chunks weighed from rank 3, retrieval.advice_passages)
    candidate_k: int = Field(default=100, ge=1)

    # answering
    max_answer_words: int = Field(default=80, ge=20, le=300)
    # (4, with the answerer's extra_margin 0.16, passed 12 more dev turns but a suite's median answer went to 47
    # words, over the bar of 45; with extra_margin 0.14: dev + y + 24a + 24b 2,915 -> 2,923 of 3,075 turns,
    # median 35 -> 36 words, the longest suite's median 40 -> 41; with at most 65 words, 2,908)
    max_answer_sentences: int = Field(default=4, ge=1, le=6)
    # Abstain when the best supporting sentence is weaker than this (calibrated by `roleqa eval`).
    min_support: float = 0.45

    # seconds between checks for a newly published index (0 turns hot reload off)
    reload_interval_seconds: float = Field(default=5.0, ge=0)

    # HTTP edge
    max_question_chars: int = Field(default=2000, ge=10)
    max_history_turns: int = Field(default=50, ge=0)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # requests per minute per API key (or client address); 0 turns rate limiting off
    rate_limit_per_minute: int = Field(default=600, ge=0)
    rate_limit_burst: int = Field(default=60, ge=1)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # addresses and CIDR networks (IPv4 or IPv6: "127.0.0.1,10.0.0.0/8,fd00::/8") whose X-Forwarded-For and
    # identity header are believed (a reverse proxy); empty: none, so a client cannot pick the address it is
    # rate-limited under
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # state the replicas share: with a Redis URL (redis://host:6379/0), rate limits and Slack event ids live
    # there (one budget and one answer across replicas); without it, in each process. Keys start with the prefix.
    redis_url: SecretStr | None = None
    redis_prefix: str = Field(default="roleqa:", max_length=100)

    # signs the chat page's session cookie (conversations belong to a browser session); without it a
    # random key is kept in session_key_file, shared by the workers of one host
    session_secret: SecretStr | None = None
    # who may use the chat page: "open" (anyone who reaches it; rate-limited per session and address),
    # "proxy" (only requests from ROLEQA_TRUSTED_PROXIES carrying the identity header), "off" (404)
    page_access: Literal["open", "proxy", "off"] = "open"
    proxy_identity_header: str = "x-forwarded-email"
    session_key_file: Path = PROJECT_ROOT / "data" / "session.key"

    # Slack: both secrets set turns the /slack routes on
    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"

    @field_validator("api_keys", "cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        # Allow ROLEQA_API_KEYS="k1,k2" as well as a JSON list.
        if isinstance(value, str) and not value.strip().startswith("["):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        parse_networks(value)  # refuse a malformed entry at startup, not at the first forwarded request
        return value

    @field_validator("encoder")
    @classmethod
    def _known_encoder(cls, value: str) -> str:
        if value not in {"minilm", "minilm-torch", "minilm-int8", "fake"}:
            raise ValueError("encoder must be 'minilm', 'minilm-torch', 'minilm-int8' or 'fake'")
        return value

    def encoder_threads(self) -> int:
        """The encoder's intra-op threads: ROLEQA_TORCH_THREADS, else every core this process may use."""
        return self.torch_threads or available_cores()


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str]) -> list[Network]:
    """IP addresses and CIDR networks ("10.0.0.0/8", "::1"); raises ValueError naming every malformed entry."""
    networks: list[Network] = []
    bad: list[str] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip()))
        except ValueError as exc:
            # "has host bits set" (10.0.0.5/8) is refused too: a typo there would trust the wrong range
            reason = str(exc) if "host bits" in str(exc) else "not an IP address or CIDR network"
            bad.append(f"{entry!r} ({reason})")
    if bad:
        raise ValueError(f"{', '.join(bad)}; give IP addresses or CIDR networks separated by commas, "
                         f"e.g. 127.0.0.1,10.0.0.0/8,fd00::/8")
    return networks
