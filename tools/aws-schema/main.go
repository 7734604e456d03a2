// Command aws-schema reads the source of a Pulumi provider's Go SDK (github.com/pulumi/pulumi-aws/sdk,
// github.com/pulumi/pulumi-cloudflare/sdk; any major version) with go/parser and writes a JSON
// schema of every resource:
//
//	{"package": "aws", "version": "7.0.0",
//	 "resources": {"aws:ec2/vpc:Vpc": {"inputs": {"cidrBlock": "string", ...},
//	                                    "state":  {"arn": "string", ...}}},
//	 "types": {"eks.ClusterVpcConfig": {"subnetIds": "array<string>", ...}}}
//
// Types are strings: string, integer, number, boolean, any, asset, archive,
// array<T>, map<T>, and ref:<module>.<Name> for a nested object type listed under "types".
// Inputs come from each resource's `<name>Args` struct and state from `<name>State`: both
// hold plain Go types with the wire names in `pulumi:"..."` tags. Only nested types reachable
// from some resource are written.
//
// Usage: aws-schema [-package aws] -sdk <module dir> -version 7.0.0 -out schema.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Resource holds the wire names and types of one resource's inputs and state.
type Resource struct {
	Inputs map[string]string `json:"inputs"`
	State  map[string]string `json:"state"`
}

// Schema is the file written for the stub provider.
type Schema struct {
	Package   string                       `json:"package"`
	Version   string                       `json:"version"`
	Resources map[string]*Resource         `json:"resources"`
	Types     map[string]map[string]string `json:"types"`
}

// module is one Go package of the SDK (e.g. "ec2") with its tagged structs.
type module struct {
	name    string
	structs map[string]*ast.StructType
	tokens  map[string]string // resource Go name -> token
}

func main() {
	sdk := flag.String("sdk", "", "directory of the provider's Go SDK module (pulumi-aws, pulumi-cloudflare)")
	pkg := flag.String("package", "aws", "the Pulumi package: its Go code is under go/<package> in the SDK")
	version := flag.String("version", "", "SDK version written into the schema (no leading v)")
	out := flag.String("out", "", "output JSON file")
	flag.Parse()
	if *sdk == "" || *version == "" || *out == "" {
		log.Fatal("usage: aws-schema [-package aws] -sdk <dir> -version <x.y.z> -out <file>")
	}
	root := filepath.Join(*sdk, "go", *pkg)
	modules, err := parseModules(root)
	if err != nil {
		log.Fatal(err)
	}
	schema := build(modules, *pkg, strings.TrimPrefix(*version, "v"))
	data, err := json.Marshal(schema)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s schema: %d resources, %d nested types -> %s\n", *pkg, len(schema.Resources), len(schema.Types), *out)
}

// parseModules parses every package directory under root (the root itself is module "index").
func parseModules(root string) (map[string]*module, error) {
	modules := map[string]*module{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel == "internal" || strings.HasPrefix(rel, "internal"+string(filepath.Separator)) {
			return filepath.SkipDir
		}
		name := filepath.ToSlash(rel)
		if name == "." {
			name = "index"
		}
		m, err := parseModule(path, name)
		if err != nil {
			return err
		}
		if len(m.structs) > 0 {
			modules[name] = m
		}
		return nil
	})
	return modules, err
}

func parseModule(dir, name string) (*module, error) {
	m := &module{name: name, structs: map[string]*ast.StructType{}, tokens: map[string]string{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range file.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					if ts, ok := spec.(*ast.TypeSpec); ok {
						if st, ok := ts.Type.(*ast.StructType); ok && hasTags(st) {
							m.structs[ts.Name.Name] = st
						}
					}
				}
			case *ast.FuncDecl:
				if decl.Recv == nil && strings.HasPrefix(decl.Name.Name, "New") && decl.Body != nil {
					if tok := registeredToken(decl.Body); tok != "" {
						m.tokens[strings.TrimPrefix(decl.Name.Name, "New")] = tok
					}
				}
			}
		}
	}
	return m, nil
}

func hasTags(st *ast.StructType) bool {
	for _, f := range st.Fields.List {
		if pulumiTag(f) != "" {
			return true
		}
	}
	return false
}

func pulumiTag(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	raw, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return ""
	}
	return strings.Split(reflect.StructTag(raw).Get("pulumi"), ",")[0]
}

// registeredToken finds ctx.RegisterResource("<token>", ...) in a New<Name> function.
func registeredToken(body *ast.BlockStmt) string {
	found := ""
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found != "" {
			return found == ""
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "RegisterResource" && len(call.Args) > 0 {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				found, _ = strconv.Unquote(lit.Value)
			}
		}
		return true
	})
	return found
}

// plainStruct finds the unexported struct `<name>` (first letter lowered, or any case-insensitive
// match with a lowercase first letter, e.g. s3endpointArgs); nil when the resource has none
// (no inputs, or no state).
func (m *module) plainStruct(name string) *ast.StructType {
	r := []rune(name)
	r[0] = unicode.ToLower(r[0])
	if st, ok := m.structs[string(r)]; ok {
		return st
	}
	for candidate, st := range m.structs {
		if unicode.IsLower([]rune(candidate)[0]) && strings.EqualFold(candidate, name) {
			return st
		}
	}
	return nil
}

func build(modules map[string]*module, pkg, version string) *Schema {
	s := &Schema{Package: pkg, Version: version, Resources: map[string]*Resource{}, Types: map[string]map[string]string{}}
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)
	var pending []string
	for _, name := range names {
		m := modules[name]
		for goName, tok := range m.tokens {
			s.Resources[tok] = &Resource{
				Inputs: fields(m, m.plainStruct(goName+"Args"), &pending),
				State:  fields(m, m.plainStruct(goName+"State"), &pending),
			}
		}
	}
	// The provider's own configuration, checked by CheckConfig.
	if idx := modules["index"]; idx != nil {
		if args := idx.structs["providerArgs"]; args != nil {
			s.Resources["pulumi:providers:"+pkg] = &Resource{Inputs: fields(idx, args, &pending), State: map[string]string{}}
		}
	}
	for len(pending) > 0 {
		ref := pending[0]
		pending = pending[1:]
		if _, done := s.Types[ref]; done {
			continue
		}
		modName, typeName, _ := strings.Cut(ref, ".")
		m := modules[modName]
		s.Types[ref] = fields(m, m.structs[typeName], &pending)
	}
	return s
}

func fields(m *module, st *ast.StructType, pending *[]string) map[string]string {
	out := map[string]string{}
	if st == nil {
		return out
	}
	for _, f := range st.Fields.List {
		if tag := pulumiTag(f); tag != "" {
			out[tag] = typeName(m, f.Type, pending)
		}
	}
	return out
}

// typeName maps a plain Go SDK type to the schema's type string.
func typeName(m *module, expr ast.Expr, pending *[]string) string {
	switch t := expr.(type) {
	case *ast.StarExpr:
		return typeName(m, t.X, pending)
	case *ast.ArrayType:
		return "array<" + typeName(m, t.Elt, pending) + ">"
	case *ast.MapType:
		return "map<" + typeName(m, t.Value, pending) + ">"
	case *ast.InterfaceType:
		return "any"
	case *ast.SelectorExpr:
		switch t.Sel.Name {
		case "Asset":
			return "asset"
		case "Archive", "AssetOrArchive":
			return "archive"
		}
		return "any"
	case *ast.Ident:
		switch t.Name {
		case "string":
			return "string"
		case "bool":
			return "boolean"
		case "int", "int32", "int64":
			return "integer"
		case "float64", "float32":
			return "number"
		case "any":
			return "any"
		}
		if _, ok := m.structs[t.Name]; ok {
			ref := m.name + "." + t.Name
			*pending = append(*pending, ref)
			return "ref:" + ref
		}
		// Named non-struct types (enums) are strings on the wire.
		return "string"
	}
	return "any"
}
