"""A tool of mcp_tools as the SDK's low-level server lists and calls it, its arguments refused
the way our own rules refuse them.

The input and output schemas, the arguments' validation and the result's check against the
output schema are the SDK's (`func_metadata`, what its MCPServer builds a tool with). What this
adds: an unknown argument ("tittle") is refused, where pydantic would silently drop it (the
input schema says `additionalProperties: false`), and a validation failure is one sentence
naming the argument (refusals.py), as a tool result with `isError`, instead of pydantic's
report (several lines, a link to errors.pydantic.dev).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata, func_metadata
from mcp_types import CallToolResult, Tool, ToolAnnotations
from pydantic import ValidationError

from mcp_tools.calls import ToolContext, failed
from mcp_tools.refusals import sentence, unknown_arguments

CONTEXT = "ctx"  # every tool's first parameter: the request's context, not an argument


@dataclass(frozen=True)
class CheckedTool:
    name: str
    description: str
    annotations: ToolAnnotations
    run: Callable[..., Awaitable[CallToolResult]]
    metadata: FuncMetadata
    input_schema: dict[str, Any]

    @classmethod
    def of(cls, tool: ModuleType) -> CheckedTool:
        """The tool a module of mcp_tools defines (`run`, `NAME`, `DESCRIPTION`, `ANNOTATIONS`)."""
        metadata = func_metadata(tool.run, skip_names=[CONTEXT])
        schema = {**metadata.arg_model.model_json_schema(by_alias=True), "additionalProperties": False}
        return cls(tool.NAME, tool.DESCRIPTION, tool.ANNOTATIONS, tool.run, metadata, schema)

    def listed(self) -> Tool:
        return Tool(
            name=self.name,
            description=self.description,
            input_schema=self.input_schema,
            output_schema=self.metadata.output_schema,
            annotations=self.annotations,
        )

    async def call(self, arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        known = self.input_schema["properties"]
        unknown = [name for name in arguments if name not in known]
        if unknown:
            return failed(unknown_arguments(unknown, list(known)))
        try:
            validated = self.metadata.validate_arguments(arguments)
        except ValidationError as error:
            given = self.metadata.pre_parse_json(arguments)  # what the model was given
            return failed(sentence(error.errors(include_url=False), given))
        result = self.metadata.convert_result(await self.run(**{CONTEXT: ctx}, **validated))
        assert isinstance(result, CallToolResult)  # never an InputRequiredResult: no tool asks
        return result
