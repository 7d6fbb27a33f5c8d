-- Argo CD health check for the kinds of customerprofiles.gitops.dev: CustomerProfilesDomain,
-- CustomerProfilesObjectType and CustomerProfilesIntegration. All three carry the same status
-- (observedGeneration, Ready, Synced, Reconciling and Stalled conditions), so one script serves them.
-- Argo CD runs this with the resource in the global `obj` and reads the returned table's `status`
-- and `message`. Custom scripts run sandboxed: only the base and table libraries (os.time/os.date
-- only through require("os"); no string, math or io), so this uses nothing but comparisons, tables
-- and `..`.
-- Installed by deploy/argocd/argocd-cm-patch.yaml (one key per kind), generated from this file by
-- `npm run gen:argocd`.

local meta = obj.metadata or {}
local annotations = meta.annotations or {}
local status = obj.status or {}

-- "Reason: message", or whichever of the two is present.
local function describe(c)
  local reason = c.reason or ""
  local message = c.message or ""
  if reason ~= "" and message ~= "" then return reason .. ": " .. message end
  if message ~= "" then return message end
  return reason
end

-- Paused resources are left alone by the controller on purpose: Suspended, not Progressing.
if annotations["customerprofiles.gitops.dev/paused"] == "true" then
  return { status = "Suspended", message = "Paused by the customerprofiles.gitops.dev/paused annotation" }
end

local generation = tonumber(meta.generation)
local observed = tonumber(status.observedGeneration)

local conditions = {}
for _, c in ipairs(status.conditions or {}) do
  if c.type ~= nil then conditions[c.type] = c end
end
local ready = conditions["Ready"]
local stalled = conditions["Stalled"]
local reconciling = conditions["Reconciling"]

-- Work in progress on this generation: say what the controller is doing.
local function working()
  if ready ~= nil and describe(ready) ~= "" then
    return { status = "Progressing", message = describe(ready) }
  end
  return { status = "Progressing", message = describe(reconciling) }
end

-- status.observedGeneration moves only when a reconcile of this spec ends (Ready or Stalled), so
-- until then the resource is Progressing; a Reconciling condition written for this generation
-- tells what is going on (creating, retrying after an AWS error).
if observed == nil or (generation ~= nil and observed ~= generation) then
  if reconciling ~= nil and reconciling.status == "True" and generation ~= nil and
      tonumber(reconciling.observedGeneration) == generation then
    return working()
  end
  if observed == nil then
    return { status = "Progressing", message = "Waiting for the controller to observe the resource" }
  end
  return { status = "Progressing", message = "Waiting for the controller to observe generation " .. generation ..
    " (observed " .. observed .. ")" }
end

-- Stalled: the controller cannot progress until a person changes something (kstatus "Failed").
if stalled ~= nil and stalled.status == "True" then
  return { status = "Degraded", message = describe(stalled) }
end

-- Observe mode never writes to AWS, so drift (or a missing AWS resource) stays until a person acts.
if ready ~= nil and ready.status == "False" and (obj.spec or {}).managementPolicy == "Observe" and
    (ready.reason == "Drifted" or ready.reason == "NotFound") then
  return { status = "Degraded", message = describe(ready) }
end

if reconciling ~= nil and reconciling.status == "True" then
  return working()
end

if ready ~= nil and ready.status == "True" then
  local readyGeneration = tonumber(ready.observedGeneration)
  if readyGeneration ~= nil and generation ~= nil and readyGeneration ~= generation then
    return { status = "Progressing", message = "Waiting for the Ready condition of generation " .. generation ..
      " (it is for generation " .. readyGeneration .. ")" }
  end
  local message = describe(ready)
  if message == "" then message = "Ready" end
  return { status = "Healthy", message = message }
end

-- Ready False or Unknown without Stalled: the controller is retrying.
if ready ~= nil then
  return { status = "Progressing", message = describe(ready) }
end
return { status = "Progressing", message = "Waiting for the Ready condition" }
