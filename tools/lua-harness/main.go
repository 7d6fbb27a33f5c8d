// argocd-lua runs an Argo CD resource health script the way Argo CD does (util/lua/lua.go, runLua and
// ExecuteHealthLua): gopher-lua, the VM inside Argo CD, with only the package, base and table
// libraries opened unless useOpenLibs is set, Argo CD's "safe" os functions, the json module
// preloaded, the resource in the global `obj`, a 1 s deadline, and the returned table decoded as JSON
// into {status, message}. The tests of deploy/argocd/health.lua run it, so no system Lua is needed.
//
// usage: argocd-lua [-open-libs] SCRIPT.lua OBJECT.json
// stdout: one JSON line, {"status": ..., "message": ...} or {"error": ...}; exit 0 either way.
// Exit 2 when the harness itself cannot run (unreadable file, bad arguments).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
)

// The statuses Argo CD accepts; anything else becomes Unknown (isValidHealthStatusCode).
var validStatus = map[string]bool{"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true}

type result struct {
	Status  *string `json:"status,omitempty"`
	Message *string `json:"message,omitempty"`
	Error   *string `json:"error,omitempty"`
}

func main() {
	openLibs := flag.Bool("open-libs", false, "open every standard library (Argo CD's resource.customizations.useOpenLibs)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: argocd-lua [-open-libs] SCRIPT.lua OBJECT.json")
		os.Exit(2)
	}
	script, err := os.ReadFile(flag.Arg(0))
	fail(err)
	raw, err := os.ReadFile(flag.Arg(1))
	fail(err)
	object, err := decodeObject(raw)
	fail(err)

	out := health(string(script), object, *openLibs)
	fail(json.NewEncoder(os.Stdout).Encode(out))
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "argocd-lua:", err)
		os.Exit(2)
	}
}

// decodeObject decodes the resource as Kubernetes' unstructured decoder does: integers become int64,
// other numbers float64 (decodeValue turns both into Lua numbers).
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return convertNumbers(v).(map[string]any), nil
}

func convertNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case []any:
		for i := range t {
			t[i] = convertNumbers(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = convertNumbers(t[k])
		}
	}
	return v
}

func health(script string, object map[string]any, openLibs bool) result {
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		// Argo CD's OpenSafeOs registers time and date into the module named lua.TabLibName: the
		// global `os` stays absent in the sandbox; `require("os")` (the preload below) reaches them.
		{lua.TabLibName, openSafeOs},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return errorResult(err)
		}
	}
	l.PreloadModule(lua.OsLibName, safeOsLoader)
	luajson.Preload(l)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decodeValue(l, object))
	if err := l.DoString(script); err != nil {
		return errorResult(err)
	}

	ret := l.Get(-1)
	if ret.Type() != lua.LTTable {
		return errorResult(fmt.Errorf("expect table output from Lua script, not %s", ret.Type().String()))
	}
	encoded, err := luajson.Encode(ret)
	if err != nil {
		return errorResult(err)
	}
	var hs struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(encoded, &hs); err != nil {
		return errorResult(err)
	}
	if !validStatus[hs.Status] {
		hs.Status, hs.Message = "Unknown", "Lua returned an invalid health status"
	}
	return result{Status: &hs.Status, Message: &hs.Message}
}

func errorResult(err error) result {
	text := err.Error()
	return result{Error: &text}
}

// safeOsFuncs are gopher-lua's own os.time and os.date (Argo CD's safe os library is a copy of
// those two), taken from a throwaway state so nothing else of the os library comes along.
func safeOsFuncs() map[string]lua.LGFunction {
	scratch := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer scratch.Close()
	scratch.Push(scratch.NewFunction(lua.OpenOs))
	scratch.Call(0, 1)
	mod := scratch.Get(-1).(*lua.LTable)
	funcs := map[string]lua.LGFunction{}
	for _, name := range []string{"time", "date"} {
		funcs[name] = mod.RawGetString(name).(*lua.LFunction).GFunction
	}
	return funcs
}

func openSafeOs(l *lua.LState) int {
	l.Push(l.RegisterModule(lua.TabLibName, safeOsFuncs()))
	return 1
}

func safeOsLoader(l *lua.LState) int {
	l.Push(l.SetFuncs(l.NewTable(), safeOsFuncs()))
	return 1
}

// decodeValue turns the resource into Lua values as Argo CD's decodeValue does: numbers, strings,
// booleans, arrays as 1-based tables, objects as tables, null (and anything else) as nil.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return tbl
	}
	return lua.LNil
}
