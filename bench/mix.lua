-- wrk script for bench/load.py: the same people and pages as its Python client, driven from C.
--
-- Each wrk thread has one connection and is one person (wrk -t N -c N): a role drawn as bench/load.py
-- weights them, who signs in (GET the form, POST it with its token), then opens the role's pages at random
-- without waiting, following redirects as a browser does. Read from the environment:
--   MIX_PLAN               a file, one person kind a line: username ("-" for the public), weight, pages
--                          (tab-separated)
--   MIX_PASSWORD           the demo users' password on the throwaway database
--   MIX_PAGES_PER_SIGN_IN  sign out and in again after so many pages (0: sign in once, as the Python
--                          client's people do)
--   MIX_COOKIE             a session cookie to use instead of signing in (bench/load.py --profile: the
--                          server's time for one page, without sign-ins)
-- done() prints one line, "MIX {json}", that bench/load.py reads.

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

local FORM, POST, PAGE = 1, 2, 3
local me, every, state, cookie, csrf_cookie, token, next_path, since_sign_in
pages, forms, sign_ins, redirects, errors = 0, 0, 0, 0, 0

local function split(line)
  local fields = {}
  for field in line:gmatch("[^\t]+") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  local people = {}
  for line in io.lines(os.getenv("MIX_PLAN")) do
    local fields = split(line)
    local person = { user = fields[1] ~= "-" and fields[1] or nil, pages = {} }
    for i = 3, #fields do
      person.pages[#person.pages + 1] = fields[i]
    end
    for _ = 1, tonumber(fields[2]) do
      people[#people + 1] = person
    end
  end
  me = people[(id - 1) % #people + 1]
  every = tonumber(os.getenv("MIX_PAGES_PER_SIGN_IN") or "0")
  math.randomseed(id)
  since_sign_in = 0
  local given = os.getenv("MIX_COOKIE")
  if given and given ~= "" then
    cookie = given
  end
  state = (me.user and not cookie) and FORM or PAGE
end

local function sign_out()
  cookie = nil
  next_path = nil
  state = me.user and FORM or PAGE
end

function request()
  if state == FORM then
    return wrk.format("GET", "/masuk/")
  elseif state == POST then
    local body = "csrfmiddlewaretoken=" .. token .. "&username=" .. me.user .. "&password="
      .. os.getenv("MIX_PASSWORD") .. "&next=%2F"
    return wrk.format("POST", "/masuk/", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. csrf_cookie,
    }, body)
  end
  local path = next_path or me.pages[math.random(#me.pages)]
  return wrk.format("GET", path, cookie and { ["Cookie"] = cookie } or {})
end

function response(status, headers, body)
  if state == FORM then
    forms = forms + 1
    csrf_cookie = (headers["Set-Cookie"] or ""):match("csrftoken=([^;]+)")
    token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    if status == 200 and csrf_cookie and token then
      state = POST
    else
      errors = errors + 1
    end
    return
  end
  if state == POST then
    -- Django sets the rotated csrftoken, then the session (wrk keeps the last Set-Cookie of a response).
    local session = (headers["Set-Cookie"] or ""):match("sessionid=([^;]+)")
    if status == 302 and session then
      sign_ins = sign_ins + 1
      cookie = "sessionid=" .. session
      state = PAGE
      since_sign_in = 0
    else
      errors = errors + 1
      state = FORM
    end
    return
  end
  if status == 301 or status == 302 then
    local location = (headers["Location"] or ""):gsub("^https?://[^/]+", "")
    if location:find("/masuk/", 1, true) == 1 then
      errors = errors + 1 -- a signed-in page that sends to the sign-in form lost its session
      sign_out()
    else
      redirects = redirects + 1
      next_path = location
    end
    return
  end
  next_path = nil
  if status == 200 then
    pages = pages + 1
  else
    errors = errors + 1
  end
  since_sign_in = since_sign_in + 1
  if me.user and every > 0 and since_sign_in >= every then
    sign_out()
  end
end

function done(summary, latency, requests)
  local total = { pages = 0, forms = 0, sign_ins = 0, redirects = 0, errors = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(total) do
      total[name] = total[name] + thread:get(name)
    end
  end
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'MIX {"responses": %d, "seconds": %.3f, "pages": %d, "forms": %d, "sign_ins": %d, "redirects": %d, '
      .. '"errors": %d, "socket_errors": %d, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f}\n',
    summary.requests, summary.duration / 1e6, total.pages, total.forms, total.sign_ins, total.redirects,
    total.errors, socket_errors, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3
  ))
end
