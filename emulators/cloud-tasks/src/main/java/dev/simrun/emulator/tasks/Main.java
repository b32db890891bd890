package dev.simrun.emulator.tasks;

public final class Main {
  public static void main(String[] args) {}
}
