"""Model backends: the GGUF weights (gguf), the supervised local server (server), the chat
model of llm mode (chat), in-process engines for the evals' judge (engine), and the setup
check that the local model runs on this CPU (check). Imports nothing from assistant.answer."""
