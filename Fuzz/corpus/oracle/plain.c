int f(int a[3]) { return a[0]; }
