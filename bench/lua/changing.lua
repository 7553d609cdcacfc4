-- request.lua, with each request's body made new: "{n}" in BENCH_BODY becomes a count that no
-- two requests of a run share, and BENCH_HEADER_UNIQUE (a header's name, optional) gets a new
-- value each request. A write then always changes something (the service writes nothing for a
-- change that changes nothing), and an Idempotency-Key is never sent twice.
dofile(os.getenv("BENCH_LUA_DIR") .. "/request.lua")

local template = os.getenv("BENCH_BODY") or ""
local unique_header = os.getenv("BENCH_HEADER_UNIQUE") or ""
local run = os.time() .. "-" .. math.random(1000000)
local count = 0
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = path
end
local i = math.random(#paths)

request = function()
  count = count + 1
  i = i % #paths + 1
  local headers = {}  -- wrk.format sends these instead of wrk.headers: start from a copy
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  if unique_header ~= "" then
    headers[unique_header] = run .. "-" .. count
  end
  local body = string.gsub(template, "{n}", run .. "-" .. count)
  return wrk.format(nil, paths[i], headers, body ~= "" and body or nil)
end
