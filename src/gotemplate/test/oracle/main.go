// go-oracle renders Go text/template cases the way debos does, to produce the expected
// outputs of debstep's template tests. A development tool: CI never runs it.
//
// Input (stdin): JSON Lines {"name": "...", "template": "...", "data": {"k": "v"}, "file": "..."}:
// name labels the case; file is the template's name (default "recipe.yaml"), as debos names
// a recipe's template after its file. Output (stdout): the same objects with "out" (what
// Execute wrote, also the partial output before an error) and "err" ("" on success), so
// `run.sh < cases.jsonl > golden.jsonl` makes a golden file.
//
// Functions: debos's sector, escape, uuid5, and sprig's GenericFuncMap. Debian packages
// Masterminds sprig, not go-task/slim-sprig; slim-sprig is that library minus functions
// with non-stdlib dependencies, and tests only use functions both have.
//
// Run: GO111MODULE=off GOPATH=/usr/share/gocode go run main.go < cases.jsonl
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/alessio/shellescape"
	"github.com/google/uuid"
)

type inCase struct {
	Name     string            `json:"name"`
	File     string            `json:"file,omitempty"`
	Template string            `json:"template"`
	Data     map[string]string `json:"data,omitempty"`
}

type outCase struct {
	inCase
	Out string `json:"out"`
	Err string `json:"err"`
}

func sector(s int) string { return fmt.Sprintf("%ds", s) }

func escape(s string) string { return shellescape.Quote(s) }

func uuid5(namespace string, data string) string {
	return uuid.NewSHA1(uuid.MustParse(namespace), []byte(data)).String()
}

func render(c inCase) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	funcs := template.FuncMap{"sector": sector, "escape": escape, "uuid5": uuid5}
	name := c.File
	if name == "" {
		name = "recipe.yaml"
	}
	t, err := template.New(name).Funcs(funcs).Funcs(sprig.GenericFuncMap()).Parse(c.Template)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	data := c.Data
	if data == nil {
		data = map[string]string{}
	}
	err = t.Execute(&buf, data)
	if err != nil {
		return buf.String(), err
	}
	return buf.String(), nil
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		var c inCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		out, err := render(c)
		res := outCase{inCase: c, Out: out}
		if err != nil {
			res.Err = err.Error()
		}
		enc.Encode(res)
	}
}
