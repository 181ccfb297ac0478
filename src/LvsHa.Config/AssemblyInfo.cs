using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("LvsHa.Config.Tests")]

namespace LvsHa.Config;
