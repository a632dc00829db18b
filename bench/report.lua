-- wrk script for `make bench`.
--
-- Arguments after `--`: an optional file of request paths, one a line. With
-- one, each request takes the next path in turn (each thread starts at its own
-- offset), so a run can visit many different pages. Without one, every
-- request goes to the URL given to wrk.
--
-- At the end, done() prints one line starting with "BENCH_JSON " holding the
-- throughput, the latency percentiles (microseconds) and the error counts.

-- With BENCH_THINK_MS set, each connection waits that many milliseconds before
-- each request: a paced load below the server's peak.
local think_ms = tonumber(os.getenv("BENCH_THINK_MS") or "")
if think_ms and think_ms > 0 then
  function delay()
    return think_ms
  end
end

local paths = {}
local index = 0
local thread_counter = 0

function setup(thread)
  thread:set("thread_number", thread_counter)
  thread_counter = thread_counter + 1
end

function init(args)
  local file_name = args[1]
  if file_name and file_name ~= "" then
    for line in io.lines(file_name) do
      if line ~= "" then
        paths[#paths + 1] = line
      end
    end
  end
  if #paths > 0 then
    index = ((thread_number or 0) * 7919) % #paths
  end
end

function request()
  if #paths == 0 then
    return wrk.format()
  end
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "requests_per_second": %.2f, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    seconds > 0 and summary.requests / seconds or 0,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
