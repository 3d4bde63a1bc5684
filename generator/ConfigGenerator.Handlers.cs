using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EventMpm.Configuration;
using Microsoft.CodeAnalysis;

namespace EventMpm.Generator;

public sealed partial class ConfigGenerator
{
    /// <summary>
    /// Looks up each C# handler a SetHandler names in the compilation. Only this step sees the
    /// compilation, and it hands on plain data, so a code edit re-runs it (a cheap lookup by
    /// metadata name) and the emit step re-runs only when a handler's verdict changes.
    /// </summary>
    internal static class HandlerChecks
    {
        public const string InterfaceName = "EventMpm.Handlers.IRequestHandler";

        public static EquatableArray<HandlerCheck> Check(EquatableArray<HandlerReference> references, Compilation compilation, CancellationToken ct)
        {
            if (references.Count == 0) return EquatableArray<HandlerCheck>.Empty;
            INamedTypeSymbol? contract = compilation.GetTypeByMetadataName(InterfaceName);
            var checks = new List<HandlerCheck>();
            foreach (HandlerReference reference in references)
            {
                ct.ThrowIfCancellationRequested();
                checks.Add(CheckOne(reference, compilation, contract));
            }
            return new EquatableArray<HandlerCheck>(checks);
        }

        private static HandlerCheck CheckOne(HandlerReference reference, Compilation compilation, INamedTypeSymbol? contract)
        {
            string name = reference.TypeName;
            string head = "SetHandler " + name + ": ";
            if (contract is null)
            {
                return HandlerCheck.Bad(reference, DiagnosticCatalog.HandlerWrongShape.Id,
                    head + "the project does not reference EventMpm.Runtime, which defines " + InterfaceName);
            }
            INamedTypeSymbol? type = Find(compilation, name);
            if (type is null)
            {
                return HandlerCheck.Bad(reference, DiagnosticCatalog.HandlerNotFound.Id,
                    head + "no type of that name in the project. A C# handler is named by its full name (namespace and class) and implements "
                    + InterfaceName + "; the built-in handlers are " + string.Join(", ", Configuration.Directives.DirectiveCatalog.BuiltInHandlers) + Suggestion(compilation, contract, name));
            }
            string? problem = Shape(type, contract, compilation);
            if (problem is not null) return HandlerCheck.Bad(reference, DiagnosticCatalog.HandlerWrongShape.Id, head + problem);
            return new HandlerCheck(reference.TypeName, reference.Location, "", "", type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        }

        /// <summary>The type by its dotted name; a nested class's dots after the outer class are '+' in metadata.</summary>
        private static INamedTypeSymbol? Find(Compilation compilation, string name)
        {
            string metadata = name;
            while (true)
            {
                INamedTypeSymbol? type = compilation.GetTypeByMetadataName(metadata);
                if (type is null)
                {
                    // Ambiguous across references: the project's own type wins.
                    type = compilation.GetTypesByMetadataName(metadata).FirstOrDefault(t => SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, compilation.Assembly));
                }
                if (type is not null) return type;
                int dot = metadata.LastIndexOf('.');
                if (dot < 0) return null;
                metadata = metadata.Substring(0, dot) + "+" + metadata.Substring(dot + 1);
            }
        }

        /// <summary>Why the type cannot serve as a handler, or null.</summary>
        private static string? Shape(INamedTypeSymbol type, INamedTypeSymbol contract, Compilation compilation)
        {
            string what = type.ToDisplayString();
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return what + " is " + (type.TypeKind == TypeKind.Interface ? "an interface" : "a " + type.TypeKind.ToString().ToLowerInvariant())
                    + "; a handler is a class that implements " + InterfaceName;
            }
            if (!type.AllInterfaces.Contains(contract, SymbolEqualityComparer.Default))
            {
                return what + " does not implement " + InterfaceName + " (add it: void Handle(Request request, Response response))";
            }
            if (type.IsStatic || type.IsAbstract) return what + " is " + (type.IsStatic ? "static" : "abstract") + "; the server makes one instance of a handler, so it must be a concrete class";
            if (type.IsGenericType) return what + " is generic; name a closed, non-generic handler class";
            if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                return what + " is not accessible from the generated code (make it public or internal)";
            }
            bool creatable = type.TypeKind == TypeKind.Struct || type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && compilation.IsSymbolAccessibleWithin(c, compilation.Assembly));
            if (!creatable) return what + " has no public or internal constructor without parameters; the server makes the handler with one";
            return null;
        }

        /// <summary>" (did you mean X?)" when the project has a handler of a similar name, else the handlers it has.</summary>
        private static string Suggestion(Compilation compilation, INamedTypeSymbol contract, string name)
        {
            // A built-in handler mistyped (server_status, Server-Stats) is no class name: say which one.
            string? builtIn = Configuration.Directives.DirectiveCatalog.BuiltInHandlers
                .Select(h => (Name: h, Distance: Configuration.Directives.DirectiveCatalog.EditDistance(h, name.ToLowerInvariant())))
                .Where(h => h.Distance <= 2)
                .OrderBy(h => h.Distance)
                .Select(h => h.Name)
                .FirstOrDefault();
            if (builtIn is not null) return " (did you mean " + builtIn + ", the built-in handler?)";
            var handlers = new List<string>();
            Collect(compilation, compilation.Assembly.GlobalNamespace, contract, handlers);
            if (handlers.Count == 0) return "";
            // The nearest by spelling (case aside), or one of the same class name in another namespace.
            string simple = name.Substring(name.LastIndexOf('.') + 1).ToLowerInvariant();
            string? near = handlers
                .Select(h => (Name: h, Distance: System.Math.Min(
                    Configuration.Directives.DirectiveCatalog.EditDistance(h.ToLowerInvariant(), name.ToLowerInvariant()),
                    h.Substring(h.LastIndexOf('.') + 1).ToLowerInvariant() == simple ? 0 : int.MaxValue)))
                .Where(h => h.Distance <= 2)
                .OrderBy(h => h.Distance)
                .Select(h => h.Name)
                .FirstOrDefault();
            if (near is not null) return " (did you mean " + near + "?)";
            handlers.Sort(System.StringComparer.Ordinal);
            return "; the project's handlers are " + string.Join(", ", handlers.Take(5)) + (handlers.Count > 5 ? ", ..." : "");
        }

        /// <summary>The project's types a SetHandler could name as they are: concrete, not generic, reachable.</summary>
        private static void Collect(Compilation compilation, INamespaceOrTypeSymbol scope, INamedTypeSymbol contract, List<string> into)
        {
            foreach (ISymbol member in scope.GetMembers())
            {
                if (member is INamespaceSymbol ns) Collect(compilation, ns, contract, into);
                else if (member is INamedTypeSymbol type)
                {
                    if (type.TypeKind is TypeKind.Class or TypeKind.Struct && !type.IsAbstract && !type.IsGenericType
                        && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly)
                        && type.AllInterfaces.Contains(contract, SymbolEqualityComparer.Default))
                    {
                        into.Add(type.ToDisplayString());
                    }
                    Collect(compilation, type, contract, into);
                }
            }
        }
    }
}
