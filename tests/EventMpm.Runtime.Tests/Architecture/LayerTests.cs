using System;
using System.Collections.Generic;
using System.Linq;
using EventMpm.Contract;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace EventMpm.Runtime.Tests.Architecture;

/// <summary>
/// The runtime's layers, read from the compiled assembly (every type a type's signatures and
/// method bodies name): a layer uses only itself and the layers below it, and only Native calls
/// the C library. A backward use fails here with both types named.
/// </summary>
public class LayerTests
{
    /// <summary>Bottom first. Namespaces below EventMpm.X belong to X's layer.</summary>
    private static readonly string[][] Layers =
    [
        ["Configuration", "Handlers"], // the directive compiler (linked into the generator too) and the handler API
        ["Contract"],                  // IServerConfig: what the generator's code implements
        ["Native"],                    // every OS call
        ["Scoreboard", "Logging"],
        ["Http"],                      // HTTP without I/O: parsing, rules, heads, pages
        ["Event"],                     // the engine: knows no HTTP
        ["Tls"],                       // TLS as a transport beneath any protocol
        ["Proxy"],                     // the reverse proxy's backends: their addresses, pools and routes
        ["Site"],                      // what a child serves: DocumentRoot, the file cache, the routes
        ["Http1"],                     // HTTP/1.1, the engine's protocol
        ["Serving"],                   // one serving process: engine + site + protocol
        ["Mpm"],                       // processes: control, children, signals
        ["Hosting"],                   // the entry point: command line, -t, -V
    ];

    private static int LayerOf(string ns)
    {
        if (!ns.StartsWith("EventMpm.", StringComparison.Ordinal)) return -1;
        string top = ns.Substring("EventMpm.".Length).Split('.')[0];
        for (int i = 0; i < Layers.Length; i++) if (Layers[i].Contains(top)) return i;
        return -2;
    }

    [Fact]
    public void No_layer_uses_one_above_it()
    {
        var problems = new SortedSet<string>();
        foreach ((TypeDefinition type, TypeReference used) in Uses())
        {
            string from = Namespace(type), to = Namespace(used);
            int a = LayerOf(from), b = LayerOf(to);
            Assert.True(a != -2, from + " is in no layer: add it to LayerTests.Layers");
            if (b > a) problems.Add($"{type.FullName} ({from}) uses {used.FullName} ({to})");
        }
        Assert.True(problems.Count == 0, "Backward uses:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Only_Native_calls_the_C_library()
    {
        var problems = new SortedSet<string>();
        foreach (TypeDefinition type in Types())
        {
            if (Namespace(type) == "EventMpm.Native") continue;
            foreach (MethodDefinition method in type.Methods.Where(m => m.HasBody))
            {
                foreach (Instruction i in method.Body.Instructions)
                {
                    // Tmds.LibC exposes its constants as properties: reading one is no call.
                    if (i.Operand is MethodReference called && called.DeclaringType.FullName == "Tmds.Linux.LibC" && !called.Name.StartsWith("get_", StringComparison.Ordinal))
                    {
                        problems.Add($"{type.FullName}.{method.Name} calls LibC.{called.Name}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, "OS calls outside Native:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_layer_test_sees_the_engine_and_its_protocol()
    {
        // The test would pass vacuously if it read nothing: the engine's and the protocol's types are there.
        var namespaces = Types().Select(Namespace).ToHashSet();
        Assert.Contains("EventMpm.Event", namespaces);
        Assert.Contains("EventMpm.Http1", namespaces);
        Assert.Contains(Uses(), u => Namespace(u.Type) == "EventMpm.Http1" && Namespace(u.Used) == "EventMpm.Event");
    }

    private static IEnumerable<TypeDefinition> Types()
    {
        ModuleDefinition module = ModuleDefinition.ReadModule(typeof(IServerConfig).Assembly.Location);
        return module.GetTypes().Where(t => t.Name != "<Module>" && !t.FullName.StartsWith("<PrivateImplementationDetails>", StringComparison.Ordinal)
                                            && !t.FullName.StartsWith("System.", StringComparison.Ordinal) && !t.FullName.StartsWith("Microsoft.", StringComparison.Ordinal)).ToList();
    }

    /// <summary>The namespace a (possibly nested or compiler-made) type lives in.</summary>
    private static string Namespace(TypeReference t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t.Namespace;
    }

    private static List<(TypeDefinition Type, TypeReference Used)> Uses()
    {
        var uses = new List<(TypeDefinition, TypeReference)>();
        foreach (TypeDefinition type in Types())
        {
            void Add(TypeReference? r)
            {
                foreach (TypeReference t in Flatten(r)) uses.Add((type, t));
            }
            Add(type.BaseType);
            foreach (InterfaceImplementation i in type.Interfaces) Add(i.InterfaceType);
            foreach (FieldDefinition f in type.Fields) Add(f.FieldType);
            foreach (PropertyDefinition p in type.Properties) Add(p.PropertyType);
            foreach (MethodDefinition m in type.Methods)
            {
                Add(m.ReturnType);
                foreach (ParameterDefinition p in m.Parameters) Add(p.ParameterType);
                if (!m.HasBody) continue;
                foreach (VariableDefinition v in m.Body.Variables) Add(v.VariableType);
                foreach (Instruction i in m.Body.Instructions)
                {
                    switch (i.Operand)
                    {
                        case TypeReference t: Add(t); break;
                        case MethodReference mr:
                            Add(mr.DeclaringType);
                            Add(mr.ReturnType);
                            foreach (ParameterDefinition p in mr.Parameters) Add(p.ParameterType);
                            if (mr is GenericInstanceMethod g) foreach (TypeReference a in g.GenericArguments) Add(a);
                            break;
                        case FieldReference fr: Add(fr.DeclaringType); Add(fr.FieldType); break;
                    }
                }
            }
        }
        return uses;
    }

    /// <summary>A type and the types inside it: element types of arrays and pointers, generic arguments.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference? t)
    {
        if (t is null || t is GenericParameter) yield break;
        if (t is TypeSpecification spec)
        {
            if (t is GenericInstanceType g) foreach (TypeReference a in g.GenericArguments) foreach (TypeReference x in Flatten(a)) yield return x;
            foreach (TypeReference x in Flatten(spec.ElementType)) yield return x;
            yield break;
        }
        yield return t;
    }
}
