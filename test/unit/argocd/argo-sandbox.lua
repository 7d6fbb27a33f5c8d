-- Runs an Argo CD health script the way Argo CD runs a custom (argocd-cm) one, in Lua 5.1.
-- Argo CD (util/lua/lua.go, runLua) starts gopher-lua with SkipOpenLibs and opens only the
-- package, base and table libraries plus a "safe" os holding os.time and os.date
-- (util/lua/oslib_safe.go); it runs the script with the resource in the global `obj` under a 1 s
-- timeout. So: no string, math, io, debug or coroutine library, and no string methods (s:find).
--
-- usage: lua5.1 argo-sandbox.lua SCRIPT.lua OBJECT.lua
--   OBJECT.lua is a chunk returning the resource as a table (written by the test).
-- stdout: "OK\n<status>\n<message>" or "ERROR\n<error text>" (exit 1).

local scriptPath, objectPath = arg[1], arg[2]

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

local function finish(ok, a, b)
  if ok then
    io.stdout:write("OK\n", a, "\n", b)
    os.exit(0)
  end
  io.stdout:write("ERROR\n", tostring(a))
  os.exit(1)
end

local object = assert(loadstring(slurp(objectPath), "=object"))()

-- The sandbox's globals: gopher-lua's base library as Argo opens it, minus what would reach
-- outside the sandbox from real Lua 5.1 (getfenv(0), dofile, loadfile). Being stricter than
-- Argo here is safe: a script that runs here runs there.
local env = {}
for _, name in ipairs({ "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
                        "rawequal", "rawget", "rawset", "select", "setmetatable", "tonumber",
                        "tostring", "type", "unpack", "xpcall" }) do
  env[name] = _G[name]
end
env._G = env
env._VERSION = _VERSION
env.print = function(...) io.stderr:write(table.concat({ ... }, "\t"), "\n") end
-- Chunks compiled inside the sandbox stay inside it (in Lua 5.1 they would get the real globals).
env.loadstring = function(text, name)
  local fn, err = loadstring(text, name)
  if fn then setfenv(fn, env) end
  return fn, err
end
local tableLib = {}
for k, v in pairs(table) do tableLib[k] = v end
env.table = tableLib
env.os = { time = os.time, date = os.date }
local loaded = { _G = env, table = env.table, os = env.os }
env.package = { loaded = loaded, preload = {} }
env.require = function(name)
  local mod = loaded[name]
  if mod == nil then error("module " .. tostring(name) .. " not found", 2) end
  return mod
end
env.obj = object

local fn, compileError = loadstring(slurp(scriptPath), "=" .. scriptPath)
if not fn then finish(false, compileError) end
setfenv(fn, env)

-- Strings share one metatable whose __index is the string library; Argo never opens that library,
-- so method calls on strings fail there. Take it away here too (the harness itself is done with it).
local stringMeta = getmetatable("")
stringMeta.__index = nil

-- Argo CD cancels a script after 1 s of wall-clock time. os.time() counts whole seconds, so this
-- stops a runaway script after 1 to 2 s (CPU time, os.clock(), would stretch on a busy machine).
local started = os.time()
debug.sethook(function()
  if os.time() - started > 1 then error("health script timed out after 1 s", 2) end
end, "", 10000)

local ok, result = pcall(fn)
debug.sethook()
if not ok then finish(false, result) end
if type(result) ~= "table" then finish(false, "expect table output from Lua script, not " .. type(result)) end
local status, message = result.status, result.message
-- Argo decodes the table as JSON into {status, message}: a missing field is an empty string.
if status == nil then status = "" end
if message == nil then message = "" end
if type(status) ~= "string" or type(message) ~= "string" then
  finish(false, "status and message must be strings")
end
-- Argo CD turns anything but its six statuses into Unknown.
local valid = { Healthy = true, Progressing = true, Degraded = true, Suspended = true, Missing = true, Unknown = true }
if not valid[status] then finish(true, "Unknown", "Lua returned an invalid health status") end
finish(true, status, message)
