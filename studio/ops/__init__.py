"""The application layer: the use cases every face (GUI, CLI, batch, bench) shares.

Qt-free and torch-free. It sits above engine/project/imaging and below the faces; it reaches
the engine only through :class:`studio.domain.engine_protocol.EngineProtocol`, which a face
hands it (see docs/architecture.md).
"""
