-- changing.lua's writes, each followed by a GET of BENCH_READ_AFTER (a path, sent as the same
-- user, without a body): a write, then the read it changed. wrk's thread alternates the two
-- over its connections: at c=1 each read follows its own write; at higher concurrency half
-- the requests in flight are writes and half reads. wrk counts both: a pair is two requests.
dofile(os.getenv("BENCH_LUA_DIR") .. "/changing.lua")

local write = request
local read_path = os.getenv("BENCH_READ_AFTER") or "/"
-- wrk calls request() once before the run, on thread 0's state, to check what it makes (its
-- script_verify_request): that call takes a read, and the run starts with a write.
local reading = false
wrk.body = nil  -- wrk.format sends wrk.body when given none: the read has none

request = function()
  reading = not reading
  if not reading then
    return write()
  end
  local headers = {}
  for name, value in pairs(wrk.headers) do
    if name ~= "Content-Type" then
      headers[name] = value
    end
  end
  return wrk.format("GET", read_path, headers, nil)
end
