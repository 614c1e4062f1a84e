# Ask per device type; it is off until autocast_enable.
puts "cpu before: [torch::autocast_is_enabled cpu]"
torch::autocast_enable cpu bfloat16
puts "cpu during: [torch::autocast_is_enabled -deviceType cpu]"
torch::autocast_disable cpu
puts "cpu after:  [torch::autocast_is_enabled cpu]"
