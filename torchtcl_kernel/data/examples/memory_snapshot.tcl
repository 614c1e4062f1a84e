# A time-stamped note of the CUDA state.
set snap [torch::memory_snapshot]
regexp {timestamp: (\d+)} $snap -> when
puts $snap
puts "taken in [clock format $when -format %Y]"
