"""The SDK's tool, with its arguments refused the way our own rules refuse them.

The SDK validates a call's arguments against a model of the tool function's signature before
the function runs, and answers a failure with pydantic's report (several lines, a link to
errors.pydantic.dev); it ignores an argument it does not know, so a misspelled one
("tittle") is silently dropped. `CheckedTool` refuses an unknown argument (its input schema
says `additionalProperties: false`) and turns the SDK's validation failure into one sentence
naming the argument (refusals.py), as a tool result with `isError`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools import Tool
from pydantic import ValidationError

from mcp_tools.calls import failed
from mcp_tools.refusals import sentence, unknown_arguments


class CheckedTool(Tool):
    @classmethod
    def of(cls, tool: ModuleType) -> CheckedTool:
        """The tool a module of mcp_tools defines (`run`, `NAME`, `DESCRIPTION`, `ANNOTATIONS`)."""
        made = cls.from_function(
            tool.run, name=tool.NAME, description=tool.DESCRIPTION, annotations=tool.ANNOTATIONS
        )
        assert isinstance(made, cls)
        made.parameters = {**made.parameters, "additionalProperties": False}
        return made

    async def run(
        self, arguments: dict[str, Any], context: Context[Any, Any], convert_result: bool = False
    ) -> Any:
        known = self.parameters["properties"]
        unknown = [name for name in arguments if name not in known]
        if unknown:
            return failed(unknown_arguments(unknown, list(known)))
        try:
            return await super().run(arguments, context, convert_result)
        except ToolError as error:
            # The SDK raises a ToolError caused by the ValidationError when the arguments do
            # not fit the signature (its own handler tells them apart the same way); a crash
            # of the tool is an UnexpectedToolError, whatever caused it.
            cause = error.__cause__
            if isinstance(error, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            validated = self.fn_metadata.pre_parse_json(arguments)  # what the model was given
            return failed(sentence(cause.errors(include_url=False), validated))
