"""A light client that speaks Streamlit's own websocket protocol (no browser).

A browser tab talks to ``streamlit run`` over one websocket, ``/_stcore/stream``: it sends
``BackMsg`` protobufs (``rerun_script`` with the page, the query string and the widget states)
and receives ``ForwardMsg`` protobufs (``new_session``, one ``delta`` per element, and
``script_finished`` when the run is over). This client does the same with the ``websockets``
package and the protobuf classes shipped in ``streamlit.proto``, so many "viewers" cost the
benchmark machine almost nothing and only the server's work is measured.

A rerun's response time is from sending the ``rerun_script`` message to receiving
``script_finished`` (every delta of the run has arrived by then).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect


@dataclass
class Widget:
    """A widget the server drew: its id, label, kind and (for selectboxes) its options."""

    id: str
    label: str
    kind: str
    options: list[str] = field(default_factory=list)


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    status: str
    deltas: int
    widgets: dict[str, Widget]
    charts: int
    bytes: int


class Session:
    """One viewer: a websocket session with the server."""

    def __init__(self, port: int, page: str = "", query: str = "") -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.page, self.query = page, query
        self.ws: ClientConnection | None = None
        self.widgets: dict[str, Widget] = {}

    async def open(self) -> None:
        """Connect (the first message a browser sends is a rerun: call :meth:`rerun`)."""
        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )

    async def close(self) -> None:
        """Disconnect."""
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, states: list[WidgetState] | None = None, timeout: float = 120) -> Run:
        """Ask for a run of the page with these widget states; wait for script_finished."""
        assert self.ws is not None, "open() first"
        msg = BackMsg(
            rerun_script=ClientState(
                query_string=self.query,
                page_name=self.page,
                widget_states=WidgetStates(widgets=states or []),
            )
        )
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        deltas = charts = size = 0
        widgets: dict[str, Widget] = {}
        while True:
            data = await asyncio.wait_for(self.ws.recv(), timeout)
            size += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data if isinstance(data, bytes) else data.encode())
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                deltas += 1
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which == "plotly_chart":
                    charts += 1
                elif which in ("selectbox", "radio", "multiselect", "slider"):
                    proto: Any = getattr(element, which)
                    widgets[proto.label] = Widget(
                        proto.id, proto.label, which, list(getattr(proto, "options", []))
                    )
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # an earlier run was cut short by ours: ours follows
                self.widgets.update(widgets)
                return Run(time.perf_counter() - start, status, deltas, widgets, charts, size)

    def select(self, label: str, option: str) -> WidgetState:
        """The widget state a browser sends when this selectbox is set to ``option``."""
        widget = self.widgets[label]
        if option not in widget.options:
            raise ValueError(f"{option!r} is not an option of {label!r}")
        return WidgetState(id=widget.id, string_value=option)
