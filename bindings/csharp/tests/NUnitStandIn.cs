// The few NUnit names tests/Runtime/*.cs uses (Test, Assert.AreEqual, IsTrue, Ignore,
// Throws) and a runner for them, so that tests/bindings_csharp.rs can compile and run the
// Unity tests with Mono, which has no NUnit. Unity compiles the tests against the real
// NUnit and never this file (tests/Drgan.MonoTests.asmdef is never compiled in Unity).
//
// usage: mono UnityTests.exe   (the tests compiled into the same executable)
using System;
using System.Linq;
using System.Reflection;

namespace NUnit.Framework
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute
    {
    }

    public delegate void TestDelegate();

    public sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message)
        {
        }
    }

    public sealed class IgnoreException : Exception
    {
        public IgnoreException(string message) : base(message)
        {
        }
    }

    public static class Assert
    {
        public static void AreEqual(object expected, object actual, string message = null)
        {
            if (!Equals(expected, actual))
            {
                throw new AssertionException("expected " + expected + ", got " + actual + ": " + message);
            }
        }

        public static void IsTrue(bool condition, string message = null)
        {
            if (!condition)
            {
                throw new AssertionException("not true: " + message);
            }
        }

        public static void Ignore(string message)
        {
            throw new IgnoreException(message);
        }

        public static T Throws<T>(TestDelegate code) where T : Exception
        {
            try
            {
                code();
            }
            catch (T e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionException("expected " + typeof(T).Name + ", got " + e);
            }
            throw new AssertionException("expected " + typeof(T).Name + ", nothing was thrown");
        }
    }
}

internal static class NUnitStandInRunner
{
    private static int Main()
    {
        int passed = 0, ignored = 0, failed = 0;
        var tests = Assembly.GetExecutingAssembly().GetTypes()
            .SelectMany(t => t.GetMethods().Where(m => m.IsDefined(typeof(NUnit.Framework.TestAttribute), false)))
            .OrderBy(m => m.DeclaringType.FullName + "." + m.Name);
        foreach (MethodInfo test in tests)
        {
            string name = test.DeclaringType.FullName + "." + test.Name;
            try
            {
                test.Invoke(Activator.CreateInstance(test.DeclaringType), null);
                passed++;
                Console.WriteLine("passed  " + name);
            }
            catch (TargetInvocationException e) when (e.InnerException is NUnit.Framework.IgnoreException)
            {
                ignored++;
                Console.WriteLine("ignored " + name + ": " + e.InnerException.Message);
            }
            catch (TargetInvocationException e)
            {
                failed++;
                Console.WriteLine("FAILED  " + name + ": " + e.InnerException);
            }
        }
        Console.WriteLine(passed + " passed, " + ignored + " ignored, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
