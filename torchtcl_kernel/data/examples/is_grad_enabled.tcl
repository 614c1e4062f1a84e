# The global grad mode, before and after switching it off.
puts "recording: [torch::is_grad_enabled]"
torch::set_grad_enabled false
puts "recording: [torch::is_grad_enabled]"
torch::set_grad_enabled true
