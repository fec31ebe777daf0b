"""llama.cpp's OpenAI-compatible server in one Python process, from the prebuilt xllamacpp wheel (no compiler).

    python .ci/llm_server.py GGUF PORT ALIAS THREADS

Serves until SIGTERM or SIGINT. Started by .ci/start_llm_server.sh for the tests marked `llm`.
"""
import signal
import sys
import threading

import xllamacpp


def main() -> None:
    gguf, port, alias, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    params = xllamacpp.CommonParams()
    params.model.path = gguf
    # One slot with the whole context: the tests ask one question at a time (SmolLM2 was trained on 8192 tokens).
    params.n_ctx, params.n_parallel = 8192, 1
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
    params.hostnames, params.port, params.model_alias = ["127.0.0.1"], port, [alias]
    server = xllamacpp.Server(params)
    print(f"llm_server: {server.listening_address} serving {gguf} as {alias!r}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    del server


if __name__ == "__main__":
    main()
