-- wrk script for bench/ingest.sh: POSTs valid heartbeats with an API key.
-- Environment: BENCH_KEY (Authorization bearer token), BENCH_BATCH (1: single requests to
-- /v1/heartbeats; N > 1: arrays of N to /v1/heartbeats:batch). 997 distinct bodies spread the
-- records over 10,000 viewers (so over every partition) and are cycled.
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local key = os.getenv("BENCH_KEY")
local now_ms = math.floor(os.time() * 1000)
local requests = {}
local next_request = 1

local function heartbeat(i)
  return string.format(
    '{"event_id":"evt-%08d","viewer_id":"viewer-%d","video_id":"video-%d",' ..
    '"session_id":"session-%d","position_secs":%d.5,"event_time_ms":%d,"device":"tv"}',
    i, i % 10000, i % 500, i % 10000, i % 7200, now_ms)
end

function init(args)
  local path = batch == 1 and "/v1/heartbeats" or "/v1/heartbeats:batch"
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
  for r = 1, 997 do
    local body
    if batch == 1 then
      body = heartbeat(r)
    else
      local items = {}
      for j = 1, batch do items[j] = heartbeat(r * batch + j) end
      body = "[" .. table.concat(items, ",") .. "]"
    end
    requests[r] = wrk.format("POST", path, headers, body)
  end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
